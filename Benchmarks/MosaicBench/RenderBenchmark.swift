import Foundation
import MosaicDiffusion
import MosaicImage
import MosaicRender
import MosaicTensor

/// The foundation's headline: an 8192x8192, 30-step built-in-model render per tiling method.
///
/// For each method it reports wall time by phase (denoise, decode, WebP encode+write), tile
/// evaluations per step divided by the non-overlapping tile count, the seam score of the
/// written file, and the process's peak RSS so far. `none` runs first and is the baseline the
/// others' times are divided by (same run, same machine).
enum RenderBenchmark {
    struct Result {
        let method: TilingMethod
        let denoise: Double, decode: Double, encode: Double
        var total: Double { denoise + decode + encode }
        let evaluationRatio: Double
        let seamScore: Double
        let peakRSSMiB: Double
    }

    static func run(side: Int = 8192, steps: Int = 30, threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        BLAS.useSingleThread()
        let pool = WorkerPool(threadCount: threads)
        defer { pool.shutdown() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mosaic-bench-\(getpid())")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        print("render: \(side)x\(side), \(steps) steps, mosaic-field, dpmpp_2m, \(threads) threads, lossy q90")
        var results = [Result]()
        for method in [TilingMethod.none, .overlap, .shifted] {
            do {
                results.append(try measure(method: method, side: side, steps: steps, pool: pool, directory: directory))
            } catch {
                print("render: \(method) failed: \(error)")
                return
            }
            let r = results[results.count - 1]
            print(
                String(
                    format: "  %-8@ total %6.1f s (denoise %5.1f s, decode %4.1f s, encode+write %5.1f s)  "
                        + "evaluations/step / non-overlapping tiles %.2fx  seam score %.3f  peak RSS %.0f MiB",
                    method.rawValue, r.total, r.denoise, r.decode, r.encode, r.evaluationRatio, r.seamScore,
                    r.peakRSSMiB))
        }
        guard let baseline = results.first else { return }
        for r in results.dropFirst() {
            print(
                String(
                    format: "  %@ / none: total %.2fx, denoise %.2fx", r.method.rawValue,
                    r.total / baseline.total, r.denoise / baseline.denoise))
        }
    }

    static func measure(method: TilingMethod, side: Int, steps: Int, pool: WorkerPool, directory: URL) throws -> Result
    {
        let parameters = RenderParameters(
            prompt: "vast misty ocean at dusk, waves", width: side, height: side, steps: steps, seed: 7, tiling: method)
        let start = Date()
        let renderer = try Renderer(parameters: parameters, pool: pool)
        var evaluations = 0
        for step in 0..<steps { evaluations += renderer.plan.tiles(step: step).count }
        try renderer.run()
        let denoised = Date()
        let image = try renderer.decodeImage(pool: pool)
        let decoded = Date()
        let url = directory.appendingPathComponent("\(method.rawValue).webp")
        try renderer.write(image, to: url, encoding: .lossy(quality: 90))
        let written = Date()
        let report = try SeamCheck.measure(image, metadata: renderer.metadata)
        return Result(
            method: method, denoise: denoised.timeIntervalSince(start), decode: decoded.timeIntervalSince(denoised),
            encode: written.timeIntervalSince(decoded),
            evaluationRatio: Double(evaluations) / Double(steps * renderer.plan.nonOverlappingTileCount),
            seamScore: report.score, peakRSSMiB: peakRSSMiB())
    }

    /// VmHWM from /proc/self/status: the peak resident set size of this process so far.
    static func peakRSSMiB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kib = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return .nan }
        return kib / 1024
    }
}
