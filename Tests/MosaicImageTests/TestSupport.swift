// Deterministic test images and small helpers shared by the MosaicImage tests.
import Foundation
import MosaicTestSupport

@testable import MosaicImage

enum TestImages {
    /// Independent uniform random samples: worst case for compression, exact for round trips.
    static func noise(width: Int, height: Int, seed: UInt64) throws -> RGBImage {
        var rng = SeededGenerator(seed: seed)
        let pixels = (0..<(width * height * 3)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        return try RGBImage(width: width, height: height, pixels: pixels)
    }

    /// A sum of random low-frequency sinusoids per channel plus ±`noise` levels of pixel noise.
    /// Wavelengths are 48...400 px, so nothing lines up with a 128-px grid on purpose.
    static func smooth(width: Int, height: Int, seed: UInt64, noise: Double = 2) throws -> RGBImage {
        var rng = SeededGenerator(seed: seed)
        struct Wave { var fx, fy, phase, amplitude: Double }
        let waves: [[Wave]] = (0..<3).map { _ in
            (0..<6).map { _ in
                let wavelength = 48 + rng.unit() * 352
                let angle = rng.unit() * 2 * Double.pi
                let k = 2 * Double.pi / wavelength
                return Wave(
                    fx: k * cos(angle), fy: k * sin(angle), phase: rng.unit() * 2 * .pi,
                    amplitude: 8 + rng.unit() * 14)
            }
        }
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<3 {
                    var v = 128.0
                    for w in waves[c] { v += w.amplitude * sin(w.fx * Double(x) + w.fy * Double(y) + w.phase) }
                    v += (rng.unit() * 2 - 1) * noise
                    pixels[(y * width + x) * 3 + c] = UInt8(max(0, min(255, v.rounded())))
                }
            }
        }
        return try RGBImage(width: width, height: height, pixels: pixels)
    }

    /// Adds one random colour offset (±`amplitude` per channel) to every `tile` x `tileHeight`
    /// block (`tileHeight` defaults to `tile`).
    static func withTileOffsets(
        _ image: RGBImage, tile: Int, tileHeight: Int? = nil, amplitude: Int, seed: UInt64
    ) throws -> RGBImage {
        var rng = SeededGenerator(seed: seed)
        let tileHeight = tileHeight ?? tile
        let tilesX = (image.width + tile - 1) / tile
        let tilesY = (image.height + tileHeight - 1) / tileHeight
        let offsets = (0..<(tilesX * tilesY * 3)).map { _ in Int(rng.next() % UInt64(2 * amplitude + 1)) - amplitude }
        var pixels = image.pixels
        for y in 0..<image.height {
            for x in 0..<image.width {
                let t = (y / tileHeight) * tilesX + x / tile
                for c in 0..<3 {
                    let i = (y * image.width + x) * 3 + c
                    pixels[i] = UInt8(max(0, min(255, Int(pixels[i]) + offsets[t * 3 + c])))
                }
            }
        }
        return try RGBImage(width: image.width, height: image.height, pixels: pixels)
    }

    /// Peak signal-to-noise ratio in dB over all samples.
    static func psnr(_ a: RGBImage, _ b: RGBImage) -> Double {
        var squared = 0.0
        for (p, q) in zip(a.pixels, b.pixels) {
            let d = Double(p) - Double(q)
            squared += d * d
        }
        let mse = squared / Double(a.pixels.count)
        return mse == 0 ? .infinity : 10 * log10(255 * 255 / mse)
    }
}

enum TestFiles {
    /// A fresh directory under the system temporary directory.
    static func makeDirectory() throws -> String {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("mosaic-image-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    /// The first executable named `tool` on PATH, if any.
    static func executable(_ tool: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        return path.split(separator: ":").map { "\($0)/\(tool)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs a program and returns its exit status and standard output.
    static func run(_ program: String, _ arguments: [String]) throws -> (status: Int32, stdout: String) {
        let result = try Command.run(program, arguments)
        return (result.status, result.stdout)
    }
}
