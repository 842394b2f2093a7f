import Foundation
import MosaicImage
import MosaicTensor
import MosaicUpscale

/// The reference nets and outputs of scripts/upscaler_fixtures/make_fixtures.py.
enum UpscaleFixtures {
    /// Tests/MosaicUpscaleTests/Fixtures, found from this file's path.
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Fixtures")

    /// The three nets: Real-ESRGAN x4plus keys (fp32), x2plus (fp16), classic ESRGAN keys (bf16).
    static let names = ["tiny_x4plus", "tiny_x2plus", "tiny_esrgan"]

    /// The path of a fixture file.
    static func path(_ file: String) -> String { directory.appendingPathComponent(file).path }

    /// The reference's input image, float output `[3, H*s, W*s]` and 8-bit output (as floats).
    static func reference(_ name: String) throws -> (image: RGBImage, output: Tensor, rounded: [Float]) {
        let file = try SafeTensorsWeightFile(path: path("\(name).reference.safetensors"))
        guard let inputShape = file.shapes["input"], let outputShape = file.shapes["output"] else {
            throw UpscalerError.missingWeight("input/output")
        }
        let pixels = try file.floats("input").map { UInt8($0) }
        let image = try RGBImage(width: inputShape[1], height: inputShape[0], pixels: pixels)
        let output = try Tensor(shape: outputShape, scalars: try file.floats("output"))
        return (image, output, try file.floats("output_u8"))
    }

    /// `|a - b| / |b|` (Euclidean norms).
    static func relativeL2(_ a: [Float], _ b: [Float]) -> Double {
        var difference = 0.0
        var norm = 0.0
        for (x, y) in zip(a, b) {
            difference += Double(x - y) * Double(x - y)
            norm += Double(y) * Double(y)
        }
        return (difference / max(norm, 1e-30)).squareRoot()
    }

    /// Runs `body` with a pool of `threads` threads, shut down afterwards.
    static func withPool<R>(_ threads: Int, _ body: (WorkerPool) throws -> R) rethrows -> R {
        let pool = WorkerPool(threadCount: threads)
        defer { pool.shutdown() }
        return try body(pool)
    }
}
