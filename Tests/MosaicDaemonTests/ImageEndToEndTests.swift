import Foundation
import MosaicAPI
import MosaicClient
import MosaicImage
import MosaicRender
import MosaicTestSupport
import Testing

/// Uploads over the real socket: stored exactly, used by a job, kept while named, pruned, and
/// hostile bodies refused with 4xx leaving no file and no row behind.
@Suite(.serialized) struct ImageEndToEndTests {
    /// The decoder fixtures of MosaicImageTests (written by scripts/reference/make_image_fixtures.py).
    static func fixture(_ name: String) throws -> [UInt8] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("MosaicImageTests/Fixtures/decode/\(name)")
        return [UInt8](try Data(contentsOf: url))
    }

    /// A daemon with a 1 MiB upload limit and a 1-megapixel image limit (config file keys).
    static func daemon() throws -> DaemonProcess {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "mosaicd-images-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let config = directory.appendingPathComponent("mosaicd.conf")
        try Data("max_upload_bytes = 1M\nmax_image_pixels = 1000000\n".utf8).write(to: config)
        return try DaemonProcess(directory: directory, extraArguments: ["--config", config.path])
    }

    /// The files in the state directory's images/.
    static func storedFiles(_ daemon: DaemonProcess) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: daemon.stateDirectory + "/images")) ?? []).sorted()
    }

    @Test func uploadIsStoredExactlyAndUsedByAJob() throws {
        let daemon = try Self.daemon()
        defer { daemon.stop() }
        let client = daemon.client
        _ = try client.pause()
        let png = try Self.fixture("png_exif_6.png")
        let record = try client.uploadImage(png)
        let expected = try ImageDecoder().decode(png).image
        // Upright: the 9x6 picture with orientation 6 is 6x9.
        #expect(record.width == 6 && record.height == 9 && record.format == "png" && record.bytes == png.count)
        #expect(record.digest == ImageDigest.hex(of: expected) && record.owner.uid == getuid())
        #expect(try client.image(record.id) == record)
        #expect(try client.images().map(\.id) == [record.id])
        #expect(try WebPDecoder.decode(try client.imageContent(record.id)) == expected)
        #expect(Self.storedFiles(daemon) == ["\(record.digest).webp"])
        var info = stat()
        #expect(stat(daemon.stateDirectory + "/images", &info) == 0 && info.st_mode & 0o777 == 0o700)

        // A job names it: strength defaults to diffusers' 0.8, and the image is kept meanwhile.
        let job = try client.submit(SubmitRequest(render: RenderSpec(prompt: "harbour", initImage: record.id)))
        #expect(job.render.initImage == record.id && job.render.strength == 0.8)
        #expect(try client.job(job.id).render.initImage == record.id)
        #expect {
            try client.removeImage(record.id)
        } throws: { error in
            guard case .api(409, let api) = error as? ClientError else { return false }
            return api.message.contains("job \(job.id)")
        }
        // A missing image is named in the refusal; a strength without an init image is refused.
        #expect {
            try client.submit(SubmitRequest(render: RenderSpec(prompt: "x", initImage: 999)))
        } throws: { error in
            guard case .api(404, let api) = error as? ClientError else { return false }
            return api.message.contains("init_image") && api.message.contains("999")
        }
        _ = try client.cancel(job.id)
        _ = try client.remove(job.id)
        #expect(try client.removeImage(record.id).id == record.id)
        #expect(Self.storedFiles(daemon).isEmpty)
        #expect(throws: ClientError.self) { try client.image(record.id) }
    }

    @Test func pruneRemovesImagesNoJobNames() throws {
        let daemon = try Self.daemon()
        defer { daemon.stop() }
        let client = daemon.client
        _ = try client.pause()
        let kept = try client.uploadImage(try Self.fixture("jpeg_rgb.jpg"))
        let loose = try client.uploadImage(try Self.fixture("webp_lossless.webp"))
        let job = try client.submit(SubmitRequest(render: RenderSpec(prompt: "kept", initImage: kept.id)))
        // The queued job keeps its image; the unnamed one goes, and so do files no image names
        // (as a crash between writing a file and recording it would leave).
        let images = daemon.stateDirectory + "/images"
        for stray in ["0123abcd.webp", ".\(kept.digest).webp.tmp-1-2"] {
            #expect(FileManager.default.createFile(atPath: images + "/" + stray, contents: Data([1, 2, 3])))
        }
        var result = try client.prune(PruneRequest())
        #expect(Self.storedFiles(daemon) == ["\(kept.digest).webp"])
        #expect(result.removed.isEmpty && result.removedImages == [loose.id])
        #expect(try client.images().map(\.id) == [kept.id])
        // Once the job is pruned, so is its image.
        _ = try client.cancel(job.id)
        result = try client.prune(PruneRequest())
        #expect(result.removed == [job.id] && result.removedImages == [kept.id])
        #expect(Self.storedFiles(daemon).isEmpty)
    }

    /// Truncated, oversized, wrong-magic, bomb and non-image bodies: each gets 4xx, and nothing is
    /// left behind (no file in images/, no row).
    @Test func hostileUploadsLeaveNothingBehind() throws {
        let daemon = try Self.daemon()
        defer { daemon.stop() }
        let client = daemon.client
        let png = try Self.fixture("png_rgb.png")
        var bomb = [UInt8]([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8))
        bomb += [0x00, 0x01, 0x86, 0xA0, 0x00, 0x01, 0x86, 0xA0, 8, 2, 0, 0, 0, 0, 0, 0, 0]  // 100000 x 100000
        let bodies: [(String, [UInt8], Int)] = [
            ("truncated png", Array(png.prefix(png.count / 2)), 400),
            ("truncated jpeg", Array(try Self.fixture("jpeg_rgb.jpg").prefix(300)), 400),
            ("wrong magic", Array("GIF89a".utf8) + Array(png.dropFirst(6)), 400),
            ("json", Array("{\"render\":{\"prompt\":\"x\"}}".utf8), 400),
            ("empty", [], 400),
            ("bomb", bomb, 422),
            ("above max_image_pixels", Self.pngHeader(width: 1001, height: 1000), 422),
            ("translucent", try Self.fixture("png_rgba_translucent.png"), 422),
            ("cmyk", try Self.fixture("jpeg_cmyk.jpg"), 422),
            ("oversized", png + [UInt8](repeating: 0, count: 1 << 20), 413),
        ]
        for (name, body, status) in bodies {
            let answer = try client.raw(method: "POST", path: "/v1/images", body: body)
            #expect(answer.status == status, "\(name): \(String(decoding: answer.body, as: UTF8.self))")
            #expect(Self.storedFiles(daemon).isEmpty, "\(name) left a file")
            #expect(try client.images().isEmpty, "\(name) left a row")
        }
        // The daemon still takes a good one afterwards, above the 64 KiB that other routes keep.
        #expect(try client.uploadImage(png).width == 9)
        var generator = SeededGenerator(seed: 9)
        let noise = try RGBImage(
            width: 300, height: 300,
            pixels: (0..<(300 * 300 * 3)).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
        let large = try WebPEncoder(.lossless).encode(noise)
        #expect(large.count > 64 * 1024)
        #expect(try client.uploadImage(large).digest == ImageDigest.hex(of: noise))
        let big = try client.raw(method: "POST", path: "/v1/jobs", body: [UInt8](repeating: 0x20, count: 100_000))
        #expect(big.status == 413)
    }

    /// A PNG signature and IHDR claiming `width` x `height` px, and nothing after.
    static func pngHeader(width: Int, height: Int) -> [UInt8] {
        func u32(_ value: Int) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) } }
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + u32(13) + Array("IHDR".utf8) + u32(width)
            + u32(height) + [8, 2, 0, 0, 0, 0, 0, 0, 0]
    }
}
