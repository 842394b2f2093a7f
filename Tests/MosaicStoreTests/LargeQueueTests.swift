import Foundation
import MosaicAPI
import MosaicTestSupport
import Testing

@testable import MosaicStore

/// Listing and claiming answer right on a queue of 100,000 jobs: the pages, filters and claim
/// order that the indexes serve. The timings of the same calls are `mosaic-bench store`.
@Suite(.serialized) struct LargeQueueTests {
    static let jobCount = 100_000

    @Test func listingAHundredThousandJobs() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        // 50% succeeded, 10% failed, 5% canceled, 35% queued: a long-lived daemon's history.
        try JobRows.insert(
            databasePath: fixture.directory.path("mosaic.sqlite"), count: Self.jobCount,
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
        try JobRows.insert(
            databasePath: fixture.directory.path("mosaic.sqlite"), count: Self.jobCount, state: "'queued'")
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
