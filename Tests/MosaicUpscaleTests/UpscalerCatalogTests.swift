import Foundation
import MosaicImage
import Testing

@testable import MosaicUpscale

/// Discovery in `models/upscalers/` and lookup by name.
@Suite struct UpscalerCatalogTests {
    @Test func discoversUpscalersAndReportsBadFiles() throws {
        let models = TemporaryFile.folder + "/models-\(UUID().uuidString)"
        let folder = models + "/" + UpscalerCatalog.folderName
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: UpscaleFixtures.path("tiny_x4plus.pth"), toPath: folder + "/real-x4.pth")
        try FileManager.default.copyItem(
            atPath: UpscaleFixtures.path("tiny_x2plus.safetensors"), toPath: folder + "/real-x2.safetensors")
        try FileManager.default.copyItem(
            atPath: UpscaleFixtures.path("tiny_esrgan.pth"), toPath: folder + "/classic.pth")
        try Data("junk".utf8).write(to: URL(fileURLWithPath: folder + "/broken.pth"))
        try Data("notes".utf8).write(to: URL(fileURLWithPath: folder + "/README.txt"))

        let (catalog, problems) = UpscalerCatalog.discover(modelsDirectory: models)
        #expect(catalog.names == ["classic", "real-x2", "real-x4"])
        #expect(catalog.entries["real-x2"]?.scale == 2)
        #expect(catalog.entries["real-x4"]?.scale == 4)
        #expect(catalog.entries["classic"]?.configuration.keyStyle == .classicESRGAN)
        #expect(problems.count == 1 && problems[0].contains("broken.pth"))

        let upscaler = try catalog.upscaler(named: "real-x2")
        #expect(upscaler.scale == 2)
        let image = try RGBImage(width: 6, height: 4)
        let output = try UpscaleFixtures.withPool(1) { try upscaler.upscale(image, pool: $0) }
        #expect(output.width == 12 && output.height == 8)
        #expect(throws: UpscalerError.unknownUpscaler("nope", known: ["classic", "real-x2", "real-x4"])) {
            _ = try catalog.upscaler(named: "nope")
        }
    }

    @Test func noFolderIsAnEmptyCatalogue() {
        let (catalog, problems) = UpscalerCatalog.discover(modelsDirectory: "/nonexistent-\(UUID().uuidString)")
        #expect(catalog.names.isEmpty && problems.isEmpty)
        #expect(UpscalerCatalog.discover(modelsDirectory: nil).catalog.names.isEmpty)
    }
}
