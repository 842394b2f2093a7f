import Foundation
import MosaicAPI
import MosaicImage
import MosaicRender
import MosaicStore
import Testing

@testable import MosaicDaemon

/// A job's init image reaches the engine as its pixels' digest, never as a bare id.
@Suite struct InitImageParametersTests {
    @Test func theDigestIsLookedUpAndStrengthDefaultsToDiffusers() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("images-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try JobStore(path: directory.appendingPathComponent("mosaic.sqlite").path)
        let images = try ImageLibrary(
            store: store, directory: directory.appendingPathComponent("images").path, limits: .standard)
        let picture = try RGBImage(width: 3, height: 2, pixels: (0..<18).map { UInt8($0 * 9) })
        let record = try images.upload(
            try WebPEncoder(.lossless).encode(picture), owner: Owner(uid: 1, name: "a"), now: Date())
        #expect(try images.initImage(id: record.id) == picture)

        let spec = try RenderSpec(prompt: "sea", width: 256, height: 256, steps: 10, initImage: record.id)
            .resolved(catalog: .builtIn, initImageDigest: record.digest) { 7 }
        #expect(spec.strength == RenderSpec.defaultInitImageStrength)
        let parameters = try spec.parameters(images: images)
        #expect(parameters.initImage == ImageDigest.hex(of: picture) && parameters.strength == 0.8)
        // Without the lookup the spec cannot become parameters: an id does not say which pixels.
        #expect(throws: APIError.self) { try spec.parameters() }
        #expect(try RenderSpec(prompt: "sea").parameters(images: images).initImage == nil)
    }
}
