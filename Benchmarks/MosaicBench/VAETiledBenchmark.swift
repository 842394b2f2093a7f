import Foundation
import MosaicImage
import MosaicStableDiffusion
import MosaicTensor
import MosaicTestSupport

/// `MOSAIC_BENCH_VAE_MODE=tiled mosaic-bench vae`: the whole tiled decode of a latent of side
/// `MOSAIC_BENCH_VAE_SIZE` (default 256: 2048x2048 px) with the full-size SD VAE (random fp16
/// weights), in each of `MOSAIC_BENCH_VAE_RUNS` (comma-separated, default `untiled,fast`):
/// `untiled` (one whole-image decode, the pool inside the kernels), `exact`, `fast` (reduced-pass
/// keys and values for the mid attention) and `fast-tile` (tile-local attention). For each: the
/// seconds, the counted multiply-adds against the convolutions of one untiled decode
/// (``VAEFLOPs``; whole-image attention, quadratic in the pixels, would flatter it), the resident
/// memory added at the peak, the seam score on the decode's tile grid and, against the first
/// run (the reference: put `untiled` or `exact` first), the largest difference in 8-bit values,
/// the fraction of values more than 2 levels apart and the PSNR.
///
/// Runs named `encode-untiled`, `encode-exact`, `encode-fast` measure the encoder instead
/// (``VAETiledEncodeBenchmark``).
///
/// `MOSAIC_BENCH_VAE_MODE=count` prints the counts only (decoder and encoder, every mode), for
/// sizes too large to run here (`MOSAIC_BENCH_VAE_SIZE=1024`: 8192x8192).
enum VAETiledBenchmark {
    static func run(countOnly: Bool) {
        let env = ProcessInfo.processInfo.environment
        let side = Int(env["MOSAIC_BENCH_VAE_SIZE"] ?? "") ?? 256
        let threads = Int(env["MOSAIC_BENCH_THREADS"] ?? "") ?? 2
        let tile = Int(env["MOSAIC_BENCH_VAE_TILE"] ?? "") ?? StableDiffusionDecoder.defaultTileSize
        let runs = (env["MOSAIC_BENCH_VAE_RUNS"] ?? "untiled,fast").split(separator: ",").map(String.init)
        let config = VAEConfig(blockOutChannels: [128, 256, 512, 512], layersPerBlock: 2)
        // The layers read the weights' memory: `weights` must outlive every decode.
        guard
            let (vae, weights) = try? RandomWeights.build(
                dtype: .f16,
                { w throws(ModelLoadError) in
                    try AutoencoderKL(config: config, weights: w)
                })
        else {
            print("vae: cannot build the model")
            return
        }
        withExtendedLifetime(weights) {
            measure(vae, side: side, threads: threads, tile: tile, runs: runs, countOnly: countOnly)
        }
    }

    /// The counts, or the runs of `runs` on a seeded normal latent of side `side`.
    static func measure(_ vae: AutoencoderKL, side: Int, threads: Int, tile: Int, runs: [String], countOnly: Bool) {
        if countOnly {
            printCounts(vae, side: side, tile: tile)
            return
        }
        if runs.allSatisfy({ $0.hasPrefix("encode") }) {
            VAETiledEncodeBenchmark.run(vae, side: side, threads: threads, tile: tile, runs: runs)
            return
        }
        BLAS.useSingleThread()
        let pool = WorkerPool(threadCount: threads)
        defer { pool.shutdown() }
        var rng = SeededGenerator(seed: 11)
        let latent =
            (try? Tensor(shape: [1, 4, side, side], scalars: rng.normals(4 * side * side)))
            ?? Tensor(zeros: [1, 4, side, side])
        let untiled = VAEFLOPs.decode(vae, height: side, width: side, attention: false)
        var reference: [UInt8]?
        for name in runs {
            let started = Date()
            ProcessMemory.resetPeak()
            let before = ProcessMemory.residentBytes()
            let image: Tensor
            let flops: Double
            do {
                if name == "untiled" {
                    image = try vae.decode(latent, context: ComputeContext(pool: pool))
                    flops = VAEFLOPs.decode(vae, height: side, width: side)
                } else {
                    let decoder = try TiledVAEDecoder(
                        vae: vae, tileSize: tile, groupNormScope: name == "exact" ? .exact : .fast,
                        attentionScope: name == "exact" ? .wholeImage : name == "fast" ? .reducedImage : .tile)
                    image = try decoder.decode(latent, pool: pool)
                    flops = VAEFLOPs.decode(decoder, height: side, width: side)
                }
            } catch {
                print("vae \(name): \(error)")
                return
            }
            let seconds = Date().timeIntervalSince(started)
            let added = ProcessMemory.peakResidentBytes() - before
            let bytes = image.scalars.map(StableDiffusionDecoder.byte)
            var line = String(
                format:
                    "vae %@ %dx%d latent, tile %d, %d threads: %.1f s, %.3f untiled decodes' convolutions of arithmetic, "
                    + "peak +%.0f MiB", name, side, side, tile, threads, seconds, flops / untiled,
                Double(added) / 1_048_576)
            line += String(format: ", seam score %.3f", seamScore(bytes, side: side * 8, tile: tile * 8))
            if let reference {
                line += difference(bytes, reference)
            } else {
                reference = bytes
                line += " (reference)"
            }
            print(line)
        }
    }

    /// Decoder and encoder counts for a `side x side` latent, each mode against one untiled run.
    static func printCounts(_ vae: AutoencoderKL, side: Int, tile: Int) {
        let untiled = VAEFLOPs.decode(vae, height: side, width: side, attention: false)
        let encodeUntiled = VAEFLOPs.encode(vae, height: 8 * side, width: 8 * side, attention: false)
        print(
            String(
                format: "vae count %dx%d latent: untiled decode %.3g (%.3g with its attention), encode %.3g (%.3g) "
                    + "multiply-adds; ratios below against the untiled runs' convolutions alone", side, side, untiled,
                VAEFLOPs.decode(vae, height: side, width: side), encodeUntiled,
                VAEFLOPs.encode(vae, height: 8 * side, width: 8 * side)))
        let modes: [(String, VAEGroupNormScope, VAEAttentionScope)] = [
            ("exact", .exact, .wholeImage), ("fast", .fast, .reducedImage), ("fast-tile", .fast, .tile),
        ]
        for (name, norms, attention) in modes {
            guard
                let decoder = try? TiledVAEDecoder(
                    vae: vae, tileSize: tile, groupNormScope: norms, attentionScope: attention),
                let encoder = try? TiledVAEEncoder(
                    vae: vae, tileSize: tile, groupNormScope: norms, attentionScope: attention)
            else { continue }
            let decode = VAEFLOPs.decode(decoder, height: side, width: side) / untiled
            let encode = VAEFLOPs.encode(encoder, height: 8 * side, width: 8 * side) / encodeUntiled
            print(
                String(
                    format: "vae count %@, tile %d: decode %.3f, encode %.3f untiled runs", name, tile, decode, encode))
        }
    }

    /// SeamMetric's score of the interleaved-by-plane bytes on the `tile`-pixel grid.
    static func seamScore(_ planes: [UInt8], side: Int, tile: Int) -> Double {
        var pixels = [UInt8](repeating: 0, count: planes.count)
        let plane = side * side
        for p in 0..<plane {
            for c in 0..<3 { pixels[p * 3 + c] = planes[c * plane + p] }
        }
        guard let image = try? RGBImage(width: side, height: side, pixels: pixels) else { return .nan }
        let edges = SeamMetric.gridEdges(extent: side, tile: tile)
        guard !edges.isEmpty else { return .nan }
        return (try? SeamMetric.measure(image, xEdges: edges, yEdges: edges, controlOffset: tile / 2).score) ?? .nan
    }

    /// Max |Δ| in 8-bit values, the fraction of values more than 2 apart, PSNR.
    static func difference(_ bytes: [UInt8], _ reference: [UInt8]) -> String {
        var worst = 0
        var over = 0
        var squares = 0.0
        for (a, b) in zip(bytes, reference) {
            let d = abs(Int(a) - Int(b))
            worst = max(worst, d)
            if d > 2 { over += 1 }
            squares += Double(d * d)
        }
        let mse = squares / Double(max(1, bytes.count))
        let psnr = mse > 0 ? 10 * Foundation.log10(255 * 255 / mse) : .infinity
        return String(
            format: "; against the reference: max |Δ| %d/255, %.4f%% of values > 2/255, PSNR %.1f dB", worst,
            100 * Double(over) / Double(max(1, bytes.count)), psnr)
    }
}
