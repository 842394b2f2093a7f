import Foundation
import GRDB
import MosaicAPI
import Testing

@testable import MosaicStore

/// Listing and claiming answer right on a queue of 100,000 jobs: the pages, filters and claim
/// order that the indexes serve. The timings of the same calls are `mosaic-bench store`.
@Suite(.serialized) struct LargeQueueTests {
    static let jobCount = 100_000

    /// Inserts `count` jobs in one transaction, one INSERT ... SELECT over a counter so the
    /// rows are made inside SQLite; `state` is an SQL expression of the row number `i`
    /// (0-based). Job `i` belongs to uid 1000 + i % 20, has priority i % 5 - 2 and was created
    /// i seconds after the first.
    static func bulkInsert(_ store: JobStore, count: Int, state: String) throws {
        try store.pool.write { db in
            try db.execute(
                sql: """
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
    }

    @Test func listingAHundredThousandJobs() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        // 50% succeeded, 10% failed, 5% canceled, 35% queued: a long-lived daemon's history.
        try Self.bulkInsert(
            store, count: Self.jobCount,
            state: """
                CASE WHEN i % 20 < 2 THEN 'failed' WHEN i % 20 = 2 THEN 'canceled'
                     WHEN i % 20 < 10 THEN 'queued' ELSE 'succeeded' END
                """)
        #expect(
            try store.counts() == [.failed: 10_000, .canceled: 5_000, .queued: 35_000, .succeeded: 50_000, .running: 0])

        let first = try store.list(limit: 50)
        #expect(first.jobs.map(\.id) == Array((Int64(Self.jobCount) - 49...Int64(Self.jobCount)).reversed()))
        #expect(first.nextBefore == Int64(Self.jobCount) - 49)

        let deep = try store.list(limit: 50, before: 40_000)
        #expect(deep.jobs.first?.id == 39_999 && deep.jobs.count == 50)

        let failed = try store.list(states: [.failed], limit: 50)
        #expect(failed.jobs.count == 50 && failed.jobs.allSatisfy { $0.state == .failed })

        // Owner 1002 submitted every 20th job (i % 20 == 2), all canceled: one branch finds none.
        let page = try store.list(states: [.failed, .canceled], ownerUID: 1_002, limit: 50)
        #expect(page.jobs.count == 50 && page.jobs.allSatisfy { $0.owner.uid == 1_002 && $0.state == .canceled })

        let owner = try store.list(ownerUID: 1_007, limit: 50, before: 50_000)
        #expect(owner.jobs.count == 50 && owner.jobs.allSatisfy { $0.owner.uid == 1_007 && $0.id < 50_000 })

        #expect(try store.list(states: [.running], limit: 50).jobs.isEmpty)
    }

    @Test func claimingFromAHundredThousandQueuedJobs() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        try Self.bulkInsert(store, count: Self.jobCount, state: "'queued'")
        var claimed: [Job] = []
        for _ in 0..<21 {
            if let job = try store.claimNext(now: fixture.tick()) { claimed.append(job) }
        }
        // Highest priority (2) first, oldest first: rows i = 4, 9, 14, ... (i % 5 - 2 == 2), ids i + 1.
        let expected: [Int64] = (0..<21).map { Int64($0) * 5 + 5 }
        #expect(claimed.map(\.id) == expected)

        try store.updateProgress(
            id: claimed[0].id, progress: JobProgress(step: 1, steps: 30, tilesDone: 3, tilesTotal: 9))
        #expect(try store.job(id: claimed[0].id)?.progress?.tilesDone == 3)
        let submitted = try store.submit(StoreFixture.spec(), priority: 0, owner: StoreFixture.alice, now: fixture.now)
        #expect(submitted.id == Int64(Self.jobCount) + 1 && submitted.state == .queued)
    }
}
