import Foundation
import MosaicAPI
import MosaicStore
import Testing

/// The queue limits are checked in the submit transaction: only queued jobs count, per owner
/// and in all, and a refused submission leaves no row.
struct QueueLimitStoreTests {
    @Test func limitsCountOnlyQueuedJobs() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        func submit(_ owner: Owner) throws(StoreError) -> Job {
            try store.submit(
                StoreFixture.spec(), priority: 0, owner: owner, now: fixture.tick(), maxQueued: 3,
                maxQueuedPerOwner: 2)
        }
        // Running and finished jobs do not count.
        _ = try fixture.make(.running)
        _ = try fixture.make(.succeeded)
        _ = try fixture.make(.canceled)
        _ = try submit(StoreFixture.alice)
        _ = try submit(StoreFixture.alice)
        #expect(throws: StoreError.queueFull(queued: 2, limit: 2, owner: "alice")) {
            _ = try submit(StoreFixture.alice)
        }
        _ = try submit(StoreFixture.bob)
        #expect(throws: StoreError.queueFull(queued: 3, limit: 3, owner: nil)) { _ = try submit(StoreFixture.bob) }
        #expect(try store.counts()[.queued] == 3)
        #expect(StoreError.queueFull(queued: 3, limit: 3, owner: nil).description.contains("3"))
    }

    @Test func retryCountsAsASubmission() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let failed = try fixture.make(.failed)
        _ = try store.submit(StoreFixture.spec(), priority: 0, owner: StoreFixture.alice, now: fixture.tick())
        #expect(throws: StoreError.queueFull(queued: 1, limit: 1, owner: "alice")) {
            _ = try store.retry(id: failed.id, now: fixture.tick(), maxQueued: 10, maxQueuedPerOwner: 1)
        }
        #expect(try store.job(id: failed.id)?.state == .failed)
        #expect(
            try store.retry(id: failed.id, now: fixture.tick(), maxQueued: 10, maxQueuedPerOwner: 2).state == .queued)
    }
}
