import COpenBLAS
import Foundation
import MosaicStableDiffusion
import MosaicTensor
import MosaicTestSupport

/// `mosaic-bench unet`: a full-size SD 1.5-shaped UNet (random weights, 860 M parameters) on a
/// 64x64 latent at batch 2 with 77x768 encoder states, against a cblas_sgemm rate measured in
/// the same run (2048^3, 2 OpenBLAS threads, before the first pass and after every pass).
///
/// Environment: `MOSAIC_BENCH_UNET_DTYPE` (f16, default, or f32: stored precision),
/// `MOSAIC_BENCH_UNET_POLICY` (stored, default, or cache: fp32 copies made at load),
/// `MOSAIC_BENCH_UNET_RUNS` (timed passes after one warm-up, default 2),
/// `MOSAIC_BENCH_UNET_SIZE` (latent side, default 64), `MOSAIC_BENCH_UNET_BATCH` (default 2),
/// `MOSAIC_BENCH_THREADS` (default 2).
enum UNetBenchmark {
    static func run() {
        let env = ProcessInfo.processInfo.environment
        let threads = Int(env["MOSAIC_BENCH_THREADS"] ?? "") ?? 2
        let runs = max(1, Int(env["MOSAIC_BENCH_UNET_RUNS"] ?? "") ?? 2)
        let side = Int(env["MOSAIC_BENCH_UNET_SIZE"] ?? "") ?? 64
        let batch = Int(env["MOSAIC_BENCH_UNET_BATCH"] ?? "") ?? 2
        let dtype = WeightDType(rawValue: env["MOSAIC_BENCH_UNET_DTYPE"] ?? "f16") ?? .f16
        let policy: WeightPrecisionPolicy = env["MOSAIC_BENCH_UNET_POLICY"] == "cache" ? .cacheFloat32 : .stored

        let gemmRate = sgemmRate(threads: threads)
        print(String(format: "unet: sgemm 2048^3 with %d OpenBLAS threads: %.1f GFLOP/s", threads, gemmRate))

        let config = UNetConfig(
            blockOutChannels: [320, 640, 1280, 1280],
            downBlockTypes: ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"],
            upBlockTypes: ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"],
            layersPerBlock: 2, crossAttentionDim: 768, attentionHeadDim: .single(8))
        let start = Date()
        let unet: UNet2DConditionModel
        let weights: RandomWeights
        do {
            // Shapes are discovered with `.stored` (no conversions), then the model is built as asked.
            (_, weights) = try RandomWeights.build(dtype: dtype) { w throws(ModelLoadError) in
                try UNet2DConditionModel(config: config, weights: w, policy: .stored)
            }
            unet = try UNet2DConditionModel(config: config, weights: weights, policy: policy)
        } catch {
            print("unet: cannot build the model: \(error)")
            return
        }
        print(
            String(
                format: "unet: %.1f M parameters (%@, %@) built in %.1f s", Double(weights.parameterCount) / 1e6,
                dtype.rawValue, policy == .stored ? "widened per use" : "fp32 cache", Date().timeIntervalSince(start)))

        BLAS.useSingleThread()
        let pool = WorkerPool(threadCount: threads)
        defer { pool.shutdown() }
        let context = ComputeContext(pool: pool)
        var rng = SeededGenerator(seed: 7)
        let sample =
            (try? Tensor(shape: [batch, 4, side, side], scalars: rng.normals(batch * 4 * side * side)))
            ?? Tensor(zeros: [batch, 4, side, side])
        let states =
            (try? Tensor(shape: [batch, 77, 768], scalars: rng.normals(batch * 77 * 768)))
            ?? Tensor(zeros: [batch, 77, 768])
        let flops = UNetFLOPs.forward(config: config, batch: batch, height: side, width: side, tokens: 77)
        // sgemm is measured between the passes too: its rate drifts within a run on a shared
        // host, so each pass is set against the mean of the rates just before and after it.
        var gemmRates = [gemmRate]
        var best = Double.infinity
        var bestShare = 0.0
        var checksum = 0.0
        for pass in 0...runs {
            let t0 = Date()
            let out: Tensor
            do {
                out = try unet(sample, timesteps: [500], encoderHiddenStates: states, context: context)
            } catch {
                print("unet: forward failed: \(error)")
                return
            }
            let seconds = Date().timeIntervalSince(t0)
            checksum = out.scalars.reduce(0.0) { $0 + Double($1) * Double($1) }
            gemmRates.append(sgemmRate(threads: threads))
            let around = (gemmRates[gemmRates.count - 2] + gemmRates[gemmRates.count - 1]) / 2
            let share = flops / seconds / 1e9 / around
            print(
                String(
                    format:
                        "unet: pass %d%@: %.2f s, %.1f GFLOP/s; sgemm after it %.1f GFLOP/s; %.0f%% of the sgemm around it",
                    pass, pass == 0 ? " (warm-up)" : "", seconds, flops / seconds / 1e9, gemmRates.last ?? 0,
                    100 * share))
            if pass > 0, seconds < best {
                best = seconds
                bestShare = share
            }
        }
        let gemmMean = gemmRates.reduce(0, +) / Double(gemmRates.count)
        print(
            String(
                format: "unet: sgemm 2048^3, %d measurements: %.1f to %.1f GFLOP/s (mean %.1f)", gemmRates.count,
                gemmRates.min() ?? 0, gemmRates.max() ?? 0, gemmMean))
        let rate = flops / best / 1e9
        print(
            String(
                format: "unet: %dx%d latent, batch %d, %d threads: best %.2f s, %.3f TFLOP, %.1f GFLOP/s: "
                    + "%.0f%% of the sgemm around that pass, %.0f%% of the mean, %.0f%% of the highest",
                side, side, batch, threads, best, flops / 1e12, rate, 100 * bestShare, 100 * rate / gemmMean,
                100 * rate / (gemmRates.max() ?? gemmMean)))
        print(String(format: "unet: output sum of squares %.6e (compare across OpenBLAS settings)", checksum))
        print(
            String(
                format: "unet: PyTorch 2.15 reference here: 7.6 s (211 GFLOP/s); Mosaic/PyTorch time %.2f", best / 7.6))
    }

    /// Best of three 2048^3 products with `threads` OpenBLAS threads, in GFLOP/s.
    static func sgemmRate(threads: Int) -> Double {
        let n = 2048
        openblas_set_num_threads(Int32(threads))
        defer { BLAS.useSingleThread() }
        var rng = SeededGenerator(seed: 3)
        let a = rng.normals(n * n)
        let b = rng.normals(n * n)
        var c = [Float](repeating: 0, count: n * n)
        var best = Double.infinity
        for _ in 0..<3 {
            let t0 = Date()
            a.withUnsafeBufferPointer { ap in
                b.withUnsafeBufferPointer { bp in
                    c.withUnsafeMutableBufferPointer { cp in
                        guard let a = ap.baseAddress, let b = bp.baseAddress, let c = cp.baseAddress else { return }
                        BLAS.sgemm(m: n, n: n, k: n, a: a, lda: n, b: b, ldb: n, c: c, ldc: n)
                    }
                }
            }
            best = min(best, Date().timeIntervalSince(t0))
        }
        return 2 * Double(n * n * n) / best / 1e9
    }
}
