import Foundation
import MosaicStableDiffusion
import MosaicTensor
import MosaicTestSupport

/// The encoder's runs of ``VAETiledBenchmark``: an `8·side x 8·side` image (smooth waves plus
/// seeded noise, in [-1, 1]) encoded untiled or tiled; for each run the seconds, the counted
/// arithmetic against the untiled encoder's convolutions, the resident memory added at the peak
/// and, against the first run, the relative L2 and largest difference of the posterior mean.
enum VAETiledEncodeBenchmark {
    static func run(_ vae: AutoencoderKL, side: Int, threads: Int, tile: Int, runs: [String]) {
        BLAS.useSingleThread()
        let pool = WorkerPool(threadCount: threads)
        defer { pool.shutdown() }
        let pixels = 8 * side
        var rng = SeededGenerator(seed: 13)
        let noise = rng.normals(3 * pixels * pixels)
        var scalars = [Float](repeating: 0, count: 3 * pixels * pixels)
        for c in 0..<3 {
            for y in 0..<pixels {
                for x in 0..<pixels {
                    let i = (c * pixels + y) * pixels + x
                    let wave = Foundation.sin(Float(x) / 37 + Float(c)) * Foundation.cos(Float(y) / 53)
                    scalars[i] = min(max(0.6 * wave + 0.05 * noise[i], -1), 1)
                }
            }
        }
        let image = (try? Tensor(shape: [1, 3, pixels, pixels], scalars: scalars)) ?? Tensor(zeros: [1, 3, 8, 8])
        let untiled = VAEFLOPs.encode(vae, height: pixels, width: pixels, attention: false)
        var reference: [Float]?
        for name in runs {
            let started = Date()
            ProcessMemory.resetPeak()
            let before = ProcessMemory.residentBytes()
            let mean: [Float]
            let flops: Double
            do {
                if name == "encode-untiled" {
                    mean = try vae.encode(image, context: ComputeContext(pool: pool)).mean.scalars
                    flops = VAEFLOPs.encode(vae, height: pixels, width: pixels)
                } else {
                    let exact = name == "encode-exact"
                    let encoder = try TiledVAEEncoder(
                        vae: vae, tileSize: tile, groupNormScope: exact ? .exact : .fast,
                        attentionScope: exact ? .wholeImage : .reducedImage)
                    mean = try encoder.encode(image, pool: pool).mean.scalars
                    flops = VAEFLOPs.encode(encoder, height: pixels, width: pixels)
                }
            } catch {
                print("vae \(name): \(error)")
                return
            }
            var line = String(
                format: "vae %@ %dx%d px, tile %d latent px, %d threads: %.1f s, %.3f untiled encodes' convolutions "
                    + "of arithmetic, peak +%.0f MiB", name, pixels, pixels, tile, threads,
                Date().timeIntervalSince(started), flops / untiled,
                Double(ProcessMemory.peakResidentBytes() - before) / 1_048_576)
            if let reference {
                let worst = zip(mean, reference).map { abs($0 - $1) }.max() ?? 0
                line += String(
                    format: "; mean against the reference: relative L2 %.4f, max |Δ| %.4f",
                    relativeL2(mean, reference), worst)
            } else {
                reference = mean
                line += " (reference)"
            }
            print(line)
        }
    }

    /// `‖a − b‖ / ‖b‖` in double precision.
    static func relativeL2(_ a: [Float], _ b: [Float]) -> Double {
        var difference = 0.0
        var norm = 0.0
        for (x, y) in zip(a, b) {
            difference += Double(x - y) * Double(x - y)
            norm += Double(y) * Double(y)
        }
        return (difference / max(norm, .leastNormalMagnitude)).squareRoot()
    }
}
