import ArgumentParser
import Foundation
import MosaicImage
import MosaicRender

/// `mosaicd seams`: the model-free seam score of a rendered WebP.
struct SeamsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seams",
        abstract: "Score a Mosaic WebP for visible tile seams (about 1.0 means none).",
        discussion: """
            Reads the render's parameters from the file's XMP, rebuilds its tile plan, and compares \
            the colour step across every tile edge with the steps 3 to 16 px beside it (medians over \
            the whole edge, in OKLab), relative to the same ratio at off-grid positions half a tile \
            stride away. A clean image scores about 1.0; independently denoised tiles score several \
            times higher.
            """)

    @Argument(help: "A WebP file written by mosaicd.")
    var file: String

    @Flag(help: "Print the report as JSON.")
    var json = false

    func run() throws {
        let bytes: [UInt8]
        do { bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file))) } catch {
            throw UsageError(message: "cannot read \(file): \(error.localizedDescription)")
        }
        guard let xmp = try WebPDecoder.xmp(in: bytes), let text = XMPPacket.json(from: xmp) else {
            throw UsageError(message: "\(file) has no Mosaic parameters in its XMP")
        }
        let metadata = try RenderMetadata.parse(text)
        let image = try WebPDecoder.decode(bytes)
        let report = try SeamCheck.measure(image, metadata: metadata)
        if json {
            let object: [String: Any] = [
                "file": file, "tiling": metadata.tiling, "score": report.score,
                "edge_ratio": report.edgeRatio, "control_ratio": report.controlRatio,
                "edges": report.edgeCount, "controls": report.controlCount,
                "edge_band_difference": report.vertical.edgeBandDifference ?? 0,
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(
                String(
                    format: "%@: seam score %.3f (edge ratio %.3f / control ratio %.3f, %d edges, tiling %@)",
                    file, report.score, report.edgeRatio, report.controlRatio, report.edgeCount, metadata.tiling))
        }
    }
}
