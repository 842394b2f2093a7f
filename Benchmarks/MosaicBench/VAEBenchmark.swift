import Foundation
import MosaicStableDiffusion
import MosaicTensor
import MosaicTestSupport

/// `mosaic-bench vae`: what one tile of the tiled SD 1.5 VAE decode holds and takes. A full-size
/// SD VAE (random fp16 weights built in memory: block_out_channels 128/256/512/512) decodes a
/// latent the size of one tile with its halo on every side (64 + 2 x 18 = 100 latent px: 800x800
/// px), untiled, with the pool inside the kernels; it prints the seconds and the resident memory
/// the decode added at its peak (VmHWM after resetting it through /proc/self/clear_refs).
///
/// In the tiled decode of a large image each pool thread decodes one such tile at a time, with
/// single-threaded kernels, so the decode's working set is about `threads` times this figure,
/// plus the RGB bytes of the image and the weights (docs/sd-memory.md).
///
/// Environment: `MOSAIC_BENCH_VAE_SIZE` (latent side, default 100), `MOSAIC_BENCH_THREADS` (2);
/// `MOSAIC_BENCH_VAE_MODE=tiled` or `count` runs ``VAETiledBenchmark`` instead.
enum VAEBenchmark {
    static func run() {
        let env = ProcessInfo.processInfo.environment
        if let mode = env["MOSAIC_BENCH_VAE_MODE"], mode == "tiled" || mode == "count" {
            VAETiledBenchmark.run(countOnly: mode == "count")
            return
        }
        let side = Int(env["MOSAIC_BENCH_VAE_SIZE"] ?? "") ?? 100
        let threads = Int(env["MOSAIC_BENCH_THREADS"] ?? "") ?? 2
        let config = VAEConfig(blockOutChannels: [128, 256, 512, 512], layersPerBlock: 2)
        let vae: AutoencoderKL
        let weights: RandomWeights
        do {
            (vae, weights) = try RandomWeights.build(dtype: .f16) { w throws(ModelLoadError) in
                try AutoencoderKL(config: config, weights: w)
            }
        } catch {
            print("vae: cannot build the model: \(error)")
            return
        }
        BLAS.useSingleThread()
        let pool = WorkerPool(threadCount: threads)
        defer { pool.shutdown() }
        var rng = SeededGenerator(seed: 11)
        let latent =
            (try? Tensor(shape: [1, 4, side, side], scalars: rng.normals(4 * side * side)))
            ?? Tensor(zeros: [1, 4, side, side])
        let before = ProcessMemory.residentBytes()
        ProcessMemory.resetPeak()
        let started = Date()
        let image: Tensor
        do {
            image = try vae.decode(latent, context: ComputeContext(pool: pool))
        } catch {
            print("vae: decode failed: \(error)")
            return
        }
        let seconds = Date().timeIntervalSince(started)
        let peak = ProcessMemory.peakResidentBytes()
        print(
            String(
                format: "vae: %.1f M parameters (f16), %dx%d latent -> %dx%d px, %d threads: %.1f s",
                Double(weights.parameterCount) / 1e6, side, side, image.shape[3], image.shape[2], threads, seconds))
        print(
            String(
                format: "vae: resident before %.0f MiB, peak during the decode %.0f MiB: the decode added %.0f MiB "
                    + "(the output image, %.0f MiB of it)", Double(before) / 1_048_576, Double(peak) / 1_048_576,
                Double(peak - before) / 1_048_576, Double(image.scalars.count * 4) / 1_048_576))
    }
}

/// The process's resident memory from /proc/self/status (Linux; 0 elsewhere).
enum ProcessMemory {
    static func residentBytes() -> Int { field("VmRSS") }
    static func peakResidentBytes() -> Int { field("VmHWM") }

    /// Sets VmHWM to the current resident set (writing 5 to /proc/self/clear_refs, Linux 4.0+).
    static func resetPeak() {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    }

    private static func field(_ name: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix(name + ":") {
            let kib = line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
            return kib * 1024
        }
        return 0
    }
}
