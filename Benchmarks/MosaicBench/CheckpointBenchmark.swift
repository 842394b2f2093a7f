import Foundation
import MosaicCheckpoint
import MosaicRender
import MosaicTensor

/// What crash-proofing costs: the 8192x8192, 30-step built-in render (denoise, decode, encode),
/// once without checkpoints (the baseline, same run) and once as the daemon does it: every
/// finished tile appended to the step's journal, a durable checkpoint (fsync, rename, directory
/// fsync) after every step, written by a `CheckpointWriter` while the next step computes. Also: the time from a cold start to the first tile evaluation of a
/// resumed render (load the newest checkpoint, read the journal, build the renderer, evaluate).
enum CheckpointBenchmark {
    /// Which halves of crash-proofing the durable render does (`MOSAIC_BENCH_CHECKPOINT_PARTS`:
    /// `both`, the default and what the daemon does; `journal` or `checkpoints` alone, to
    /// apportion the cost).
    struct Parts {
        var journal = true, checkpoints = true
        init(_ name: String?) {
            switch name {
            case "journal": checkpoints = false
            case "checkpoints": journal = false
            default: break
            }
        }
        var name: String {
            journal && checkpoints ? "journal and checkpoints" : journal ? "journal only" : "checkpoints only"
        }
    }

    static func run(side: Int = 8192, steps: Int = 30, rounds: Int = 2, parts: Parts = Parts(nil)) {
        BLAS.useSingleThread()
        let pool = WorkerPool(threadCount: ProcessInfo.processInfo.activeProcessorCount)
        defer { pool.shutdown() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mosaic-ckpt-bench-\(getpid())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let parameters = RenderParameters(
            prompt: "vast misty ocean at dusk, waves", width: side, height: side,
            steps: steps, seed: 7)
        do {
            // Alternate the two renders, in turn first and second (a drift over the run, such as a
            // neighbour's load, then hits both alike), report each round, the median of the
            // rounds' ratios and the best of each, and the CPU time.
            var plainBest = Timing(total: .infinity)
            var durableBest = Timing(total: .infinity)
            var wallRatios: [Double] = []
            var cpuRatios: [Double] = []
            var cpuShares: [Double] = []
            for round in 1...rounds {
                let store = CheckpointStore(directory: directory.appendingPathComponent("job").path)
                var plain = Timing()
                var durable = Timing()
                if round % 2 == 1 {
                    plain = try render(parameters, pool: pool, checkpoints: nil)
                    durable = try render(parameters, pool: pool, checkpoints: store, parts: parts)
                } else {
                    durable = try render(parameters, pool: pool, checkpoints: store, parts: parts)
                    plain = try render(parameters, pool: pool, checkpoints: nil)
                }
                print(
                    String(
                        format:
                            "checkpoint: round %d (%@ first): %dx%d, %d steps: without checkpoints %.2f s (%.2f s CPU), "
                            + "with (%@) %.2f s (%.2f s CPU): %+.1f%% wall, %+.1f%% CPU; checkpoint writes %.2f s in all "
                            + "(%.0f ms each, %.1f MB), journal appends %.2f s; crash-proofing CPU %.2f s (checkpoints %.2f, "
                            + "journal %.2f): %.1f%% of the render's CPU",
                        round, round % 2 == 1 ? "without" : "with", side, side, steps, plain.total, plain.cpu,
                        parts.name,
                        durable.total, durable.cpu,
                        (durable.total / plain.total - 1) * 100, (durable.cpu / plain.cpu - 1) * 100,
                        durable.checkpointSeconds, durable.checkpointSeconds / Double(steps) * 1000,
                        Double(durable.checkpointBytes) / 1e6, durable.journalSeconds,
                        durable.checkpointCPU + durable.journalCPU, durable.checkpointCPU, durable.journalCPU,
                        (durable.checkpointCPU + durable.journalCPU) / durable.cpu * 100))
                cpuShares.append((durable.checkpointCPU + durable.journalCPU) / durable.cpu)
                wallRatios.append(durable.total / plain.total)
                cpuRatios.append(durable.cpu / plain.cpu)
                if plain.total < plainBest.total { plainBest = plain }
                if durable.total < durableBest.total { durableBest = durable }
            }
            print(
                String(
                    format:
                        "checkpoint: median of %d rounds: %+.1f%% wall, %+.1f%% CPU, crash-proofing's own CPU %.1f%% "
                        + "of the render's; best of each: without %.2f s, with %.2f s: %+.1f%% (load average %@)",
                    rounds, (median(wallRatios) - 1) * 100, (median(cpuRatios) - 1) * 100, median(cpuShares) * 100,
                    plainBest.total,
                    durableBest.total, (durableBest.total / plainBest.total - 1) * 100, loadAverage()))
            try resumeLatency(parameters, pool: pool, directory: directory)
        } catch {
            print("checkpoint: failed: \(error)")
        }
    }

    struct Timing {
        var total = 0.0, cpu = 0.0, checkpointSeconds = 0.0, journalSeconds = 0.0, checkpointBytes = 0
        /// CPU seconds spent writing checkpoints (the writer thread) and journal records (the tile threads).
        var checkpointCPU = 0.0, journalCPU = 0.0
    }

    static func render(
        _ parameters: RenderParameters, pool: WorkerPool, checkpoints: CheckpointStore?,
        parts: Parts = Parts(nil)
    ) throws -> Timing {
        var timing = Timing()
        let start = Date()
        let cpuStart = CPUTime.ownSeconds()
        let renderer = try Renderer(parameters: parameters, pool: pool)
        let hash = parameters.checkpointHash
        let journalTime = JournalClock()
        let journalCPU = JournalClock()
        let checkpointCPU = JournalClock()
        let writer = CheckpointWriter()
        let written = JournalClock()
        while !renderer.isFinished {
            if let checkpoints {
                let journal = try checkpoints.openJournal(step: renderer.state.step, parametersHash: hash)
                let append: @Sendable (Int, UnsafeBufferPointer<Float>) -> Void = { tile, output in
                    let t = DispatchTime.now().uptimeNanoseconds
                    let cpu = CPUTime.callingThreadNanoseconds()
                    try? journal.append(tile: tile, values: output)
                    journalTime.add(DispatchTime.now().uptimeNanoseconds - t)
                    journalCPU.add(CPUTime.callingThreadNanoseconds() - cpu)
                }
                try renderer.step(onTileOutput: parts.journal ? append : nil)
                journal.close()
                let state = renderer.state
                let plan = renderer.plan
                if parts.checkpoints {
                    try writer.submit {
                        let cpu = CPUTime.callingThreadNanoseconds()
                        let result = try checkpoints.write(state, parametersHash: hash, plan: plan)
                        written.add(UInt64(result.seconds * 1e9))
                        checkpointCPU.add(CPUTime.callingThreadNanoseconds() - cpu)
                    }
                } else {
                    // What the checkpoint's prune would do: the finished journal becomes the spare
                    // that the next step's journal overwrites in place.
                    rename(journal.path, "\(checkpoints.directory)/.spare.tiles")
                }
                timing.checkpointBytes = 4 * 2 * state.latent.count
            } else {
                try renderer.step()
            }
        }
        try writer.drain()
        timing.checkpointSeconds = written.seconds
        let image = try renderer.decodeImage(pool: pool)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mosaic-ckpt-bench-\(getpid()).webp")
        try renderer.write(image, to: url, encoding: .lossy(quality: 90))
        try? FileManager.default.removeItem(at: url)
        try? checkpoints?.removeAll()
        timing.total = Date().timeIntervalSince(start)
        timing.cpu = CPUTime.ownSeconds() - cpuStart
        timing.journalSeconds = journalTime.seconds
        timing.journalCPU = journalCPU.seconds
        timing.checkpointCPU = checkpointCPU.seconds
        return timing
    }

    /// Render to the middle of step 16, "crash", then time a resume up to its first new tile.
    static func resumeLatency(_ parameters: RenderParameters, pool: WorkerPool, directory: URL) throws {
        let store = CheckpointStore(directory: directory.appendingPathComponent("resume").path)
        let hash = parameters.checkpointHash
        let renderer = try Renderer(parameters: parameters, pool: pool)
        for _ in 0..<15 {
            try renderer.step()
            try store.write(renderer.state, parametersHash: hash, plan: renderer.plan)
        }
        let journal = try store.openJournal(step: 15, parametersHash: hash)
        let flag = renderer.cancellation
        _ = try? renderer.step(
            onTileOutput: { tile, output in try? journal.append(tile: tile, values: output) },
            onTile: { done, total, _ in if done == total / 2 { flag.cancel() } })
        journal.close()

        let started = DispatchTime.now().uptimeNanoseconds
        let (checkpoint, _) = store.loadNewestValid(parametersHash: hash)
        guard let checkpoint else {
            print("checkpoint: resume found no checkpoint")
            return
        }
        let resumed = try Renderer(parameters: parameters, catalog: .builtIn, pool: pool, state: checkpoint.state)
        var expected: [Int: Int] = [:]
        for (i, tile) in resumed.plan.tiles(step: checkpoint.state.step).enumerated() { expected[i] = 4 * tile.area }
        let reuse = store.readJournal(step: checkpoint.state.step, parametersHash: hash, expectedCounts: expected)
        let firstNew = FirstTile()
        let stop = resumed.cancellation
        _ = try? resumed.step(
            reuse: reuse, onTileOutput: { _, _ in firstNew.mark() },
            onTile: { _, _, _ in
                if firstNew.marked { stop.cancel() }
            })
        let seconds = Double((firstNew.at ?? DispatchTime.now().uptimeNanoseconds) - started) / 1e9
        print(
            String(
                format:
                    "checkpoint: resume to the first new tile evaluation: %.3f s (%d tiles reused from the journal)",
                seconds, reuse.count))
        try? store.removeAll()
    }
}

/// Sums nanoseconds from worker threads.
final class JournalClock: @unchecked Sendable {
    private let lock = NSLock()
    private var total: UInt64 = 0
    func add(_ nanoseconds: UInt64) {
        lock.lock()
        total += nanoseconds
        lock.unlock()
    }
    var seconds: Double {
        lock.lock()
        defer { lock.unlock() }
        return Double(total) / 1e9
    }
}

/// Remembers when the first new tile finished.
final class FirstTile: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var at: UInt64?
    func mark() {
        lock.lock()
        if at == nil { at = DispatchTime.now().uptimeNanoseconds }
        lock.unlock()
    }
    var marked: Bool {
        lock.lock()
        defer { lock.unlock() }
        return at != nil
    }
}

/// The median of `values` (the mean of the middle two for an even count).
func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/// The 1-, 5- and 15-minute load averages, as uptime(1) prints them.
func loadAverage() -> String {
    var loads = [Double](repeating: 0, count: 3)
    guard getloadavg(&loads, 3) == 3 else { return "unknown" }
    return loads.map { String(format: "%.2f", $0) }.joined(separator: ", ")
}
