import Foundation
import MosaicAPI
import MosaicClient
import MosaicTestSupport
import Testing

/// Upscalers in the models directory's `upscalers/` folder are listed by `GET /v1/models` with
/// kind `upscaler`, their scale and architecture, beside the diffusion models.
@Suite struct UpscalerListingTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../MosaicUpscaleTests/Fixtures").standardizedFileURL.path

    @Test func modelsListsUpscalers() throws {
        let models = FileManager.default.temporaryDirectory.appendingPathComponent(
            "mosaic-upscalers-\(UUID().uuidString.prefix(8))")
        let folder = models.appendingPathComponent("upscalers").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: models) }
        try FileManager.default.copyItem(atPath: "\(Self.fixtures)/tiny_x4plus.pth", toPath: "\(folder)/real-x4.pth")
        try FileManager.default.copyItem(
            atPath: "\(Self.fixtures)/tiny_x2plus.safetensors", toPath: "\(folder)/real-x2.safetensors")

        let daemon = try DaemonProcess(extraArguments: ["--models", models.path])
        defer { daemon.stop() }
        let listed = try daemon.client.models()
        #expect(listed.contains { $0.name == "mosaic-field" && $0.scale == nil && $0.architecture == nil })
        let upscalers = listed.filter { $0.kind == "upscaler" }
        #expect(upscalers.map(\.name) == ["real-x2", "real-x4"])
        #expect(upscalers.map(\.scale) == [2, 4])
        #expect(
            upscalers.allSatisfy { $0.architecture?.hasPrefix("RRDBNet (Real-ESRGAN keys, nf 8, gc 4, nb 1)") == true })
    }
}
