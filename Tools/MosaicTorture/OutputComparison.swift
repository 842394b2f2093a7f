import Foundation
import MosaicImage

/// A queue output against its reference: the decoded pixels, and the files byte for byte.
///
/// Pixels are what must match. Equal bytes are a stronger statement (same pixels, same
/// encoder decisions, same metadata) that holds today because lossless encoding and the XMP
/// are deterministic; it is reported, and a pixel match with different bytes is not a failure.
struct OutputComparison: Equatable, Sendable {
    var pixelsIdentical = false
    var bytesIdentical = false
    /// What differs, when something does.
    var difference: String?

    /// Compares the files at two paths.
    init(output: String, reference: String) {
        guard let outputBytes = FileManager.default.contents(atPath: output) else {
            difference = "cannot read the output \(output)"
            return
        }
        guard let referenceBytes = FileManager.default.contents(atPath: reference) else {
            difference = "cannot read the reference \(reference)"
            return
        }
        bytesIdentical = outputBytes == referenceBytes
        let decodedOutput: RGBImage
        let decodedReference: RGBImage
        do { decodedOutput = try WebPDecoder.decode(Array(outputBytes)) } catch {
            difference = "the output does not decode: \(error)"
            return
        }
        do { decodedReference = try WebPDecoder.decode(Array(referenceBytes)) } catch {
            difference = "the reference does not decode: \(error)"
            return
        }
        pixelsIdentical = decodedOutput == decodedReference
        if !pixelsIdentical { difference = Self.describeDifference(decodedOutput, decodedReference) }
    }

    /// The size mismatch, or how many pixels differ and where the first one is.
    static func describeDifference(_ a: RGBImage, _ b: RGBImage) -> String {
        guard a.width == b.width, a.height == b.height else {
            return "sizes differ: \(a.width)x\(a.height) against \(b.width)x\(b.height)"
        }
        var differing = 0
        var first: (x: Int, y: Int)?
        for y in 0..<a.height {
            for x in 0..<a.width where a.rgb(x: x, y: y) != b.rgb(x: x, y: y) {
                differing += 1
                if first == nil { first = (x, y) }
            }
        }
        let at = first.map { " (first at \($0.x),\($0.y))" } ?? ""
        return "\(differing) of \(a.width * a.height) pixels differ\(at)"
    }
}
