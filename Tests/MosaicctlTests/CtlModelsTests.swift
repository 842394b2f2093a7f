import Foundation
import MosaicAPI
import MosaicTestSupport
import Testing

/// `mosaicctl models` with diffusion models and upscalers, and the wire form of their listing.
@Suite struct CtlModelsTests {
    static let listing = [
        ModelInfo(name: "sd15", kind: "stable-diffusion", summary: "Stable Diffusion 1.x", defaultGuidance: 7.5),
        ModelInfo(
            name: "realesrgan-x4plus", kind: "upscaler", summary: "x4 RRDBNet from realesrgan-x4plus.pth",
            defaultGuidance: 0, scale: 4, architecture: "RRDBNet (Real-ESRGAN keys, nf 64, gc 32, nb 23)"),
    ]

    @Test func tableShowsTheUpscalersScale() throws {
        let server = try FakeDaemon { _ in .send([Wire.response(200, Wire.json(Self.listing))]) }
        defer { server.stop() }
        let result = try CtlRunner.run(["models", "--socket", server.path])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map {
            $0.split(separator: " ", omittingEmptySubsequences: true)
        }
        #expect(lines.first == ["NAME", "KIND", "GUIDANCE", "SCALE", "SUMMARY"])
        #expect(lines.dropFirst().first?.prefix(4) == ["sd15", "stable-diffusion", "7.5", "-"])
        #expect(lines.dropFirst(2).first?.prefix(4) == ["realesrgan-x4plus", "upscaler", "-", "x4"])

        let json = try CtlRunner.run(["models", "--json", "--socket", server.path])
        let decoded = try json.stdout.split(separator: "\n").map {
            try APICoding.decoder().decode(ModelInfo.self, from: Data($0.utf8))
        }
        #expect(decoded == Self.listing)
    }

    /// Diffusion models keep the listing's earlier form; a listing without the new keys still decodes.
    @Test func newFieldsAreOptionalOnTheWire() throws {
        let encoded = String(decoding: try APICoding.encoder().encode(Self.listing[0]), as: UTF8.self)
        #expect(!encoded.contains("scale") && !encoded.contains("architecture"))
        let upscaler = String(decoding: try APICoding.encoder().encode(Self.listing[1]), as: UTF8.self)
        #expect(upscaler.contains(#""scale":4"#) && upscaler.contains(#""architecture":"RRDBNet"#))
        let old = #"{"name":"mosaic-field","kind":"built-in","summary":"s","default_guidance":1}"#
        let decoded = try APICoding.decoder().decode(ModelInfo.self, from: Data(old.utf8))
        #expect(decoded == ModelInfo(name: "mosaic-field", kind: "built-in", summary: "s", defaultGuidance: 1))
    }
}
