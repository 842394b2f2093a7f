import Foundation
import MosaicImage
import MosaicRender
import Testing

/// `mosaicd render --init-image FILE --strength S`: image-to-image from the command line.
@Suite struct RenderInitImageTests {
    /// Renders a lossless 128x128 base image into `directory` and returns its path.
    static func base(in directory: TemporaryDirectory) throws -> String {
        let path = directory.path("base.webp")
        let result = try Mosaicd.run([
            "render", "--prompt", "golden dunes", "--width", "128", "--height", "128", "--steps", "3", "--seed", "3",
            "--lossless", "--output", path,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        return path
    }

    @Test func rendersFromTheImageRunningTheStrengthsStepsOnAnyThreadCount() throws {
        let directory = try TemporaryDirectory()
        let base = try Self.base(in: directory)
        var files = [Data]()
        for threads in ["1", "2"] {
            let path = directory.path("out\(threads).webp")
            let result = try Mosaicd.run([
                "render", "--prompt", "golden dunes at night", "--width", "128", "--height", "128", "--steps", "6",
                "--seed", "4", "--init-image", base, "--strength", "0.5", "--lossless", "--threads", threads,
                "--output", path,
            ])
            #expect(result.status == 0, "\(result.stderr)")
            // int(6 * 0.5) = 3 steps run, and progress counts those.
            #expect(result.stderr.contains("step 3/3") && !result.stderr.contains("/6"), "\(result.stderr)")
            files.append(try Data(contentsOf: URL(fileURLWithPath: path)))
        }
        #expect(files[0] == files[1])
        let xmp = try #require(try WebPDecoder.xmp(in: [UInt8](files[0])))
        let json = try #require(XMPPacket.json(from: xmp))
        let metadata = try RenderMetadata.parse(json)
        let image = try WebPDecoder.decode([UInt8](try Data(contentsOf: URL(fileURLWithPath: base))))
        #expect(metadata.initImage == ImageDigest.hex(of: image) && metadata.strength == 0.5)
    }

    /// An init image of another size is resized to the render's with Lanczos first: the same
    /// bytes as a render from the image resized beforehand.
    @Test func anImageOfAnotherSizeIsResizedFirst() throws {
        let directory = try TemporaryDirectory()
        let base = try Self.base(in: directory)
        let image = try WebPDecoder.decode([UInt8](try Data(contentsOf: URL(fileURLWithPath: base))))
        let resized = directory.path("resized.webp")
        try Data(try WebPEncoder(.lossless).encode(try LanczosResampler.resize(image, width: 256, height: 192)))
            .write(to: URL(fileURLWithPath: resized))
        var outputs: [Data] = []
        for (name, source) in [("a", base), ("b", resized)] {
            let output = directory.path("\(name).webp")
            let result = try Mosaicd.run([
                "render", "--prompt", "golden dunes at night", "--width", "256", "--height", "192", "--steps", "4",
                "--seed", "4", "--init-image", source, "--strength", "0.5", "--lossless", "--output", output,
            ])
            #expect(result.status == 0, "\(result.stderr)")
            outputs.append(try Data(contentsOf: URL(fileURLWithPath: output)))
        }
        #expect(outputs[0] == outputs[1])
    }

    static let badInputs: [([String], String)] = [
        (["--strength", "0.5"], "--strength needs --init-image"),
        (["--init-image", "BASE", "--strength", "0"], "strength"),
        (["--init-image", "BASE", "--strength", "1.5"], "strength"),
        (["--init-image", "MISSING"], "cannot read init image"),
        (["--init-image", "NOTWEBP"], "cannot decode init image"),
    ]

    @Test(arguments: badInputs)
    func badInitImagesAreUsageErrors(extra: [String], needle: String) throws {
        let directory = try TemporaryDirectory()
        let base = try Self.base(in: directory)
        let text = directory.path("not.webp")
        try Data("not an image\n".utf8).write(to: URL(fileURLWithPath: text))
        let arguments = extra.map { argument in
            switch argument {
            case "BASE": base
            case "MISSING": directory.path("missing.webp")
            case "NOTWEBP": text
            default: argument
            }
        }
        let output = directory.path("out.webp")
        let result = try Mosaicd.run(
            ["render", "--prompt", "x", "--width", "128", "--height", "128", "--output", output] + arguments)
        #expect(result.status == 2, "\(extra): \(result.stderr)")
        #expect(result.stderr.hasPrefix("mosaicd: ") && result.stderr.contains(needle), "\(extra): \(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test func helpDocumentsImageToImage() throws {
        let render = try Mosaicd.run(["render", "--help"])
        #expect(render.status == 0)
        for text in ["--init-image", "--strength", "IMAGE-TO-IMAGE", "int(steps * strength)"] {
            #expect(render.stdout.contains(text), "\(text)")
        }
    }
}
