import Foundation
import GRDB
import MosaicAPI
import Testing
@testable import MosaicStore

/// The daemon's numbers on a queue of 100,000 jobs: listing pages and claiming. Reported on
/// stdout; the bounds asserted are ten times looser than the target (50 ms), so load on a shared
/// machine cannot make them flaky.
@Suite(.serialized) struct StoreBenchmarkTests {
    static let jobCount = 100_000

    /// Inserts `count` jobs in one transaction, one INSERT ... SELECT over a counter so the
    /// rows are made inside SQLite; `state` is an SQL expression of the row number `i`
    /// (0-based). Job `i` belongs to uid 1000 + i % 20, has priority i % 5 - 2 and was created
    /// i seconds after the first. Returns the milliseconds it took.
    static func bulkInsert(_ store: JobStore, count: Int, state: String) throws -> Double {
        try ContinuousClock().measure {
            try store.pool.write { db in
                try db.execute(sql: """
                    WITH RECURSIVE counter(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM counter WHERE i + 1 < ?),
                    rows AS (SELECT i, \(state) AS state, 1750000000000 + i * 1000 AS created FROM counter)
                    INSERT INTO jobs (state, priority, owner_uid, owner_name, prompt, model, width, height, steps,
                                      sampler, seed, tiling, attempts, created_at_ms, started_at_ms, finished_at_ms)
                    SELECT state, i % 5 - 2, 1000 + i % 20, 'user' || (1000 + i % 20), 'benchmark prompt ' || i,
                           'builtin', 4096, 4096, 30, 'dpmpp_2m', i, 'shifted', state <> 'queued', created,
                           CASE WHEN state = 'queued' THEN NULL ELSE created + 500 END,
                           CASE WHEN state IN ('succeeded', 'failed', 'canceled') THEN created + 900 END
                    FROM rows
                    """, arguments: [count])
            }
        }.milliseconds
    }

    /// The fastest and the median of `runs` timings of `body`, in milliseconds.
    static func time(runs: Int = 21, _ body: () throws -> Void) throws -> (min: Double, median: Double) {
        let clock = ContinuousClock()
        var samples: [Double] = []
        for _ in 0..<runs { samples.append(try clock.measure(body).milliseconds) }
        samples.sort()
        return (samples[0], samples[runs / 2])
    }

    static func report(_ name: String, _ timing: (min: Double, median: Double)) {
        print("MosaicStore benchmark: \(name): min \(format(timing.min)) ms, median \(format(timing.median)) ms")
    }

    static func format(_ milliseconds: Double) -> String { String(format: "%.3f", milliseconds) }

    @Test func listingAHundredThousandJobs() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        // 50% succeeded, 10% failed, 5% canceled, 35% queued: a long-lived daemon's history.
        let inserted = try Self.bulkInsert(store, count: Self.jobCount, state: """
            CASE WHEN i % 20 < 2 THEN 'failed' WHEN i % 20 = 2 THEN 'canceled'
                 WHEN i % 20 < 10 THEN 'queued' ELSE 'succeeded' END
            """)
        print("MosaicStore benchmark: inserting \(Self.jobCount) jobs in one transaction: \(Self.format(inserted)) ms")
        #expect(try store.counts() == [.failed: 10_000, .canceled: 5_000, .queued: 35_000, .succeeded: 50_000, .running: 0])

        #expect(try store.list(limit: 50).jobs.count == 50)
        let first = try Self.time { _ = try store.list(limit: 50) }
        Self.report("list(limit: 50), first page", first)
        #expect(first.min < 500)

        let deep = try store.list(limit: 50, before: 40_000)
        #expect(deep.jobs.first?.id == 39_999)
        Self.report("list(limit: 50, before: 40000)", try Self.time { _ = try store.list(limit: 50, before: 40_000) })

        #expect(try store.list(states: [.failed], limit: 50).jobs.count == 50)
        let failed = try Self.time { _ = try store.list(states: [.failed], limit: 50) }
        Self.report("list(states: [failed], limit: 50)", failed)
        #expect(failed.min < 500)

        // Owner 1002 submitted every 20th job (i % 20 == 2), all canceled: one branch finds none.
        let page = try store.list(states: [.failed, .canceled], ownerUID: 1_002, limit: 50)
        #expect(page.jobs.count == 50 && page.jobs.allSatisfy { $0.owner.uid == 1_002 })
        let mixed = try Self.time { _ = try store.list(states: [.failed, .canceled], ownerUID: 1_002, limit: 50) }
        Self.report("list(states: [failed, canceled], ownerUID: 1002, limit: 50)", mixed)
        #expect(mixed.min < 500)

        let owner = try Self.time { _ = try store.list(ownerUID: 1_007, limit: 50, before: 50_000) }
        Self.report("list(ownerUID: 1007, limit: 50, before: 50000)", owner)

        // A filter that matches nothing must not scan the table either.
        #expect(try store.list(states: [.running], limit: 50).jobs.isEmpty)
        Self.report("list(states: [running], limit: 50), no match",
                    try Self.time { _ = try store.list(states: [.running], limit: 50) })
        Self.report("counts()", try Self.time { _ = try store.counts() })
    }

    @Test func claimingFromAHundredThousandQueuedJobs() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let inserted = try Self.bulkInsert(store, count: Self.jobCount, state: "'queued'")
        print("MosaicStore benchmark: inserting \(Self.jobCount) queued jobs in one transaction: \(Self.format(inserted)) ms")
        var claimed: [Job] = []
        let claim = try Self.time {
            if let job = try store.claimNext(now: fixture.tick()) { claimed.append(job) }
        }
        Self.report("claimNext() with \(Self.jobCount) queued", claim)
        #expect(claim.min < 500)
        // Highest priority (2) first, oldest first: rows i = 4, 9, 14, ... (i % 5 - 2 == 2), ids i + 1.
        let expected: [Int64] = (0..<claimed.count).map { Int64($0) * 5 + 5 }
        #expect(claimed.map(\.id) == expected)

        let progress = try Self.time {
            try store.updateProgress(id: claimed[0].id, progress: JobProgress(step: 1, steps: 30, tilesDone: 3, tilesTotal: 9))
        }
        Self.report("updateProgress()", progress)
        let submit = try Self.time { _ = try store.submit(StoreFixture.spec(), priority: 0, owner: StoreFixture.alice, now: fixture.now) }
        Self.report("submit()", submit)
    }
}

extension Duration {
    /// The duration in milliseconds.
    var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1_000 + Double(attoseconds) / 1e15
    }
}
