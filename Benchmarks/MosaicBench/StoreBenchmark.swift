import Foundation
import GRDB
import MosaicAPI
import MosaicStore
import MosaicTestSupport

/// The store's calls on a queue of 100,000 jobs, without the daemon or a socket: listing pages,
/// counting, claiming, progress and submission. Each figure is the median (and fastest) of 21
/// calls, and its ratio to the first page of 50, the call `mosaicctl list` makes; the target is
/// under 50 ms per call.
enum StoreBenchmark {
    static let jobCount = 100_000

    static func run() {
        do {
            try listing()
            try claiming()
        } catch {
            print("store: failed: \(error)")
        }
    }

    /// Listing pages of a long-lived daemon's history: 50% succeeded, 10% failed, 5% canceled,
    /// 35% queued.
    static func listing() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("mosaic.sqlite").path
        let store = try JobStore(path: path)
        let inserted = try bulkInsert(
            path: path, count: jobCount,
            state: """
                CASE WHEN i % 20 < 2 THEN 'failed' WHEN i % 20 = 2 THEN 'canceled'
                     WHEN i % 20 < 10 THEN 'queued' ELSE 'succeeded' END
                """)
        print(String(format: "store: inserting %d jobs in one transaction: %.1f ms", jobCount, inserted))

        let baseline = try time { _ = try store.list(limit: 50) }
        print(report("list(limit: 50), first page", baseline, baseline: baseline))
        print(
            report(
                "list(limit: 50, before: 40000)", try time { _ = try store.list(limit: 50, before: 40_000) },
                baseline: baseline))
        print(
            report(
                "list(states: [failed], limit: 50)", try time { _ = try store.list(states: [.failed], limit: 50) },
                baseline: baseline))
        // Owner 1002 submitted every 20th job, all canceled: one branch of the filter finds none.
        print(
            report(
                "list(states: [failed, canceled], ownerUID: 1002, limit: 50)",
                try time { _ = try store.list(states: [.failed, .canceled], ownerUID: 1_002, limit: 50) },
                baseline: baseline))
        print(
            report(
                "list(ownerUID: 1007, limit: 50, before: 50000)",
                try time { _ = try store.list(ownerUID: 1_007, limit: 50, before: 50_000) }, baseline: baseline))
        // A filter that matches nothing must not scan the table either.
        print(
            report(
                "list(states: [running], limit: 50), no match",
                try time { _ = try store.list(states: [.running], limit: 50) }, baseline: baseline))
        print(report("counts()", try time { _ = try store.counts() }, baseline: baseline))
    }

    /// Claiming from 100,000 queued jobs, then the running job's progress and a new submission.
    static func claiming() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("mosaic.sqlite").path
        let store = try JobStore(path: path)
        let inserted = try bulkInsert(path: path, count: jobCount, state: "'queued'")
        print(String(format: "store: inserting %d queued jobs in one transaction: %.1f ms", jobCount, inserted))

        let baseline = try time { _ = try store.list(limit: 50) }
        var now = Date(timeIntervalSince1970: 1_760_000_000)
        var claimed: [Job] = []
        let claim = try time {
            now += 1
            if let job = try store.claimNext(now: now) { claimed.append(job) }
        }
        print(report("claimNext() with \(jobCount) queued", claim, baseline: baseline))
        guard let running = claimed.first else { return print("store: nothing was claimed") }
        let progress = JobProgress(step: 1, steps: 30, tilesDone: 3, tilesTotal: 9)
        print(
            report(
                "updateProgress()", try time { try store.updateProgress(id: running.id, progress: progress) },
                baseline: baseline))
        let spec = RenderSpec(
            prompt: "a lighthouse at dusk", model: "builtin", width: 1024, height: 768, steps: 20,
            sampler: "euler", seed: 42, tiling: "overlap")
        let owner = Owner(uid: 1000, name: "bench")
        print(
            report(
                "submit()", try time { _ = try store.submit(spec, priority: 0, owner: owner, now: now) },
                baseline: baseline))
    }

    /// `JobRows.insert`, timed: milliseconds.
    static func bulkInsert(path: String, count: Int, state: String) throws -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try JobRows.insert(databasePath: path, count: count, state: state)
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
    }

    /// Milliseconds per call of `runs` calls of `body`, sorted.
    static func time(runs: Int = 21, _ body: () throws -> Void) throws -> [Double] {
        var samples: [Double] = []
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        return samples.sorted()
    }

    static func report(_ label: String, _ times: [Double], baseline: [Double]) -> String {
        let median = times[times.count / 2]
        let base = baseline[baseline.count / 2]
        return String(
            format: "store: %@: median %.3f ms, min %.3f ms (%.2fx the first page)", label, median, times[0],
            median / base)
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "mosaic-store-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
