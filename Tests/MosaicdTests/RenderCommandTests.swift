import Foundation
import MosaicImage
import MosaicRender
import Testing

@Suite struct RenderCommandTests {
    static let badInputs: [([String], String)] = [
        (["--width", "100"], "multiple of 8"),
        (["--height", "16384"], "WebP's limit"),
        (["--width", "16400"], "WebP's limit of 16383"),
        (["--width", "56"], "outside"),
        (["--steps", "0"], "steps"),
        (["--steps", "1001"], "steps"),
        (["--sampler", "plms"], "sampler"),
        (["--model", "sd-missing"], "unknown model"),
        (["--tiling", "diagonal"], "tiling"),
        (["--quality", "101"], "quality"),
        (["--lossless", "--quality", "50"], "exclude"),
        (["--threads", "0"], "threads"),
        (["--seed", "-1"], "seed"),
        (["--guidance", "99"], "guidance"),
    ]

    @Test(arguments: badInputs)
    func badInputExitsWithStatus2AndOneLineAndWritesNothing(extra: [String], needle: String) throws {
        let directory = try TemporaryDirectory()
        let result = try Mosaicd.run(["render", "--prompt", "x", "--output", directory.path("out.webp")] + extra)
        #expect(result.status == 2, "\(extra): \(result.stderr)")
        #expect(result.stderr.lowercased().contains(needle.lowercased()), "\(extra): \(result.stderr)")
        #expect(result.stderr.hasPrefix("mosaicd: "))
        #expect(result.stdout.isEmpty)
        #expect(directory.isEmpty)
    }

    @Test func unwritableOrMissingOutputDirectoryIsAUsageError() throws {
        let missing = try Mosaicd.run(["render", "--prompt", "x", "--output", "/nonexistent-dir/out.webp"])
        #expect(missing.status == 2 && missing.stderr.contains("does not exist"))
        let directory = try TemporaryDirectory()
        let asDirectory = try Mosaicd.run(["render", "--prompt", "x", "--output", directory.url.path])
        #expect(asDirectory.status == 2 && asDirectory.stderr.contains("is a directory"))
        let readOnly = directory.path("ro")
        try FileManager.default.createDirectory(
            atPath: readOnly, withIntermediateDirectories: false,
            attributes: [.posixPermissions: 0o555])
        if getuid() != 0 {  // root writes anywhere
            let denied = try Mosaicd.run(["render", "--prompt", "x", "--output", readOnly + "/out.webp"])
            #expect(denied.status == 2 && denied.stderr.contains("not writable"))
        }
    }

    @Test func threadCountDoesNotChangeALosslessOutputByte() throws {
        let directory = try TemporaryDirectory()
        var files = [Data]()
        for threads in ["1", "2"] {
            let path = directory.path("t\(threads).webp")
            let result = try Mosaicd.run([
                "render", "--prompt", "stormy sea, vivid", "--width", "1024", "--height", "768", "--steps", "8",
                "--sampler", "euler_a", "--seed", "99", "--lossless", "--threads", threads, "--output", path,
            ])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout == path + "\n")
            files.append(try Data(contentsOf: URL(fileURLWithPath: path)))
        }
        #expect(files[0] == files[1])
    }

    @Test func progressAndJSONSummary() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("p.webp")
        let result = try Mosaicd.run([
            "render", "--prompt", "x", "--width", "256", "--height", "256", "--steps", "4", "--seed", "5",
            "--json", "--output", path,
        ])
        #expect(result.status == 0)
        // Not a terminal: one plain line per step.
        #expect(result.stderr.contains("step 4/4"))
        let summary = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(summary?["output"] as? String == path)
        #expect((summary?["seed"] as? NSNumber)?.uint64Value == 5)
    }

    @Test func helpDocumentsExitStatusesAndOptions() throws {
        let root = try Mosaicd.run(["--help"])
        #expect(root.status == 0 && root.stdout.contains("EXIT STATUS"))
        let render = try Mosaicd.run(["render", "--help"])
        #expect(render.status == 0)
        for option in [
            "--prompt", "--tiling", "--tile-size", "--tile-overlap", "--threads", "--lossless", "--quality",
            "--sampler",
        ] {
            #expect(render.stdout.contains(option), "\(option)")
        }
    }

    @Test func webpmuxShowsTheParameters() throws {
        let webpmux = ["/usr/bin/webpmux", "/usr/local/bin/webpmux"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
        let directory = try TemporaryDirectory()
        let path = directory.path("m.webp")
        let result = try Mosaicd.run([
            "render", "--prompt", "golden dunes", "--width", "128", "--height", "128",
            "--steps", "2", "--seed", "3", "--output", path,
        ])
        #expect(result.status == 0)
        guard let webpmux else { return }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: webpmux)
        process.arguments = ["-get", "xmp", path, "-o", "-"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let xmp = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(xmp.contains("golden dunes") && xmp.contains("tile_size") && xmp.contains("mosaic_version"))
    }
}
