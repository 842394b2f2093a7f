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
            try store.submit(StoreFixture.spec(), priority: 0, owner: owner, now: fixture.tick(), maxQueued: 3,
                             maxQueuedPerOwner: 2)
        }
        // Running and finished jobs do not count.
        _ = try fixture.make(.running)
        _ = try fixture.make(.succeeded)
        _ = try fixture.make(.canceled)
        _ = try submit(StoreFixture.alice)
        _ = try submit(StoreFixture.alice)
        #expect(throws: StoreError.queueFull(queued: 2, limit: 2, owner: "alice")) { _ = try submit(StoreFixture.alice) }
        _ = try submit(StoreFixture.bob)
        #expect(throws: StoreError.queueFull(queued: 3, limit: 3, owner: nil)) { _ = try submit(StoreFixture.bob) }
        #expect(try store.counts()[.queued] == 3)
        #expect(StoreError.queueFull(queued: 3, limit: 3, owner: nil).description.contains("3"))
    }
}
