import Foundation
import GRDB
import MosaicAPI
import Testing

@testable import MosaicStore

/// Batches: all of a batch's jobs and log lines are one transaction, listings and cancels take a
/// batch, and a batch goes with its last job.
struct BatchStoreTests {
    static func requests(_ prompts: [String], priority: Int = 0) -> [SubmitRequest] {
        prompts.enumerated().map { index, prompt in
            SubmitRequest(render: StoreFixture.spec(prompt, seed: UInt64(index)), priority: priority)
        }
    }

    /// Rows in `table`, read straight from the file.
    static func rows(_ store: JobStore, _ table: String) throws -> Int {
        try store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? -1 }
    }

    @Test func aBatchQueuesEveryJobWithItsBatchIDAndLog() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let single = try fixture.make(.queued)
        let batch = try store.submitBatch(
            Self.requests(["a", "b", "c"], priority: 4), owner: StoreFixture.bob, now: fixture.tick())
        #expect(batch.jobIds.count == 3 && batch.owner == StoreFixture.bob && batch.createdAt == fixture.now)
        #expect(batch.counts == ["queued": 3, "running": 0, "succeeded": 0, "failed": 0, "canceled": 0])
        #expect(try store.batch(id: batch.id) == batch)
        let jobs = try batch.jobIds.map { id in try #require(try store.job(id: id)) }
        #expect(jobs.map(\.render.prompt) == ["a", "b", "c"])
        #expect(jobs.map(\.render.seed) == [0, 1, 2])
        #expect(jobs.allSatisfy { $0.batchId == batch.id && $0.priority == 4 && $0.owner == StoreFixture.bob })
        #expect(try store.job(id: single.id)?.batchId == nil)
        for id in batch.jobIds {
            #expect(try store.log(id: id).map(\.event) == [.submitted(by: "bob")])
        }
        #expect(try store.batch(id: batch.id + 1) == nil)
        #expect(throws: StoreError.invalidArgument("a batch needs at least one job")) {
            _ = try store.submitBatch([], owner: StoreFixture.bob, now: fixture.tick())
        }
    }

    @Test func aFailingInsertLeavesNoJobNoLogAndNoBatch() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        // The third job's insert fails, after the batch row and two jobs were written.
        try store.pool.write { db in
            try db.execute(
                sql: """
                    CREATE TRIGGER fail_boom BEFORE INSERT ON jobs WHEN NEW.prompt = 'boom'
                    BEGIN SELECT RAISE(ABORT, 'boom refused'); END
                    """)
        }
        #expect(throws: StoreError.self) {
            _ = try store.submitBatch(
                Self.requests(["a", "b", "boom", "c"]), owner: StoreFixture.alice, now: fixture.now)
        }
        #expect(try Self.rows(store, "jobs") == 0)
        #expect(try Self.rows(store, "job_logs") == 0)
        #expect(try Self.rows(store, "batches") == 0)
    }

    @Test func theWholeBatchCountsAgainstTheQueueLimits() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        _ = try fixture.make(.queued)
        #expect(throws: StoreError.batchOverQueueLimit(batch: 3, queued: 1, limit: 3, owner: "alice")) {
            _ = try store.submitBatch(
                Self.requests(["a", "b", "c"]), owner: StoreFixture.alice, now: fixture.now, maxQueued: 10,
                maxQueuedPerOwner: 3)
        }
        #expect(throws: StoreError.batchOverQueueLimit(batch: 3, queued: 1, limit: 3, owner: nil)) {
            _ = try store.submitBatch(
                Self.requests(["a", "b", "c"]), owner: StoreFixture.bob, now: fixture.now, maxQueued: 3)
        }
        #expect(try store.counts()[.queued] == 1 && Self.rows(store, "batches") == 0)
        // Exactly at the limit fits.
        let fits = try store.submitBatch(
            Self.requests(["a", "b"]), owner: StoreFixture.alice, now: fixture.now, maxQueued: 3, maxQueuedPerOwner: 3)
        #expect(fits.jobIds.count == 2)
    }

    @Test func listingsFilterByBatch() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let first = try store.submitBatch(
            Self.requests(["a", "b", "c", "d", "e"]), owner: StoreFixture.alice, now: fixture.tick())
        _ = try fixture.make(.queued)
        let second = try store.submitBatch(Self.requests(["x", "y"]), owner: StoreFixture.bob, now: fixture.tick())
        _ = try store.cancelQueued(id: first.jobIds[1], by: StoreFixture.alice, now: fixture.tick())

        let all = try store.list(batchID: first.id, limit: 50)
        #expect(all.jobs.map(\.id) == first.jobIds.reversed() && all.nextBefore == nil)
        let page = try store.list(batchID: first.id, limit: 2)
        #expect(page.jobs.map(\.id) == [first.jobIds[4], first.jobIds[3]] && page.nextBefore == first.jobIds[3])
        let rest = try store.list(batchID: first.id, limit: 50, before: page.nextBefore)
        #expect(rest.jobs.map(\.id) == [first.jobIds[2], first.jobIds[1], first.jobIds[0]])
        #expect(try store.list(states: [.canceled], batchID: first.id).jobs.map(\.id) == [first.jobIds[1]])
        #expect(try store.list(states: [.queued], ownerUID: StoreFixture.bob.uid, batchID: first.id).jobs.isEmpty)
        #expect(try store.list(batchID: second.id).jobs.map(\.id) == second.jobIds.reversed())
        #expect(try store.list(batchID: 999).jobs.isEmpty)
        let partial = try store.listPage(states: [.queued], batchID: first.id, limit: 50) { _ in true }
        #expect(partial.ids == [first.jobIds[4], first.jobIds[3], first.jobIds[2], first.jobIds[0]])
        #expect(Set(partial.rows.keys) == Set(partial.ids))
        #expect(try store.batch(id: first.id)?.counts["canceled"] == 1)
    }

    @Test func cancelingABatchCancelsItsQueuedJobsOnly() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let batch = try store.submitBatch(
            Self.requests(["a", "b", "c", "d"]), owner: StoreFixture.alice, now: fixture.now)
        let other = try fixture.make(.queued)
        let running = try #require(try store.claimNext(now: fixture.tick()))
        #expect(running.id == batch.jobIds[0])
        _ = try store.cancelQueued(id: batch.jobIds[1], by: StoreFixture.alice, now: fixture.tick())
        let canceled = try store.cancelQueuedJobs(ofBatch: batch.id, by: StoreFixture.bob, now: fixture.tick())
        #expect(canceled.map(\.id) == [batch.jobIds[2], batch.jobIds[3]])
        #expect(canceled.allSatisfy { $0.state == .canceled && $0.canceledBy == StoreFixture.bob })
        #expect(try store.job(id: running.id)?.state == .running, "the worker stops a running job")
        #expect(try store.job(id: other.id)?.state == .queued, "not in the batch")
        #expect(try store.log(id: batch.jobIds[2]).last?.event == .canceled(by: "bob", step: nil))
        #expect(try store.cancelQueuedJobs(ofBatch: batch.id, by: StoreFixture.bob, now: fixture.tick()).isEmpty)
        #expect(throws: StoreError.batchNotFound(batch.id + 1)) {
            _ = try store.cancelQueuedJobs(ofBatch: batch.id + 1, by: StoreFixture.bob, now: fixture.now)
        }
    }

    @Test func aBatchGoesWithItsLastJob() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let batch = try store.submitBatch(Self.requests(["a", "b", "c"]), owner: StoreFixture.alice, now: fixture.now)
        let canceled = try store.cancelQueuedJobs(ofBatch: batch.id, by: StoreFixture.alice, now: fixture.tick())
        #expect(canceled.count == 3)
        _ = try store.remove(id: batch.jobIds[0])
        #expect(try store.batch(id: batch.id)?.jobIds == Array(batch.jobIds.dropFirst()))
        let pruned = try store.prune(states: [.canceled])
        #expect(pruned.map(\.id) == Array(batch.jobIds.dropFirst()))
        #expect(try store.batch(id: batch.id) == nil)
        #expect(try Self.rows(store, "batches") == 0)
        // Ids are not reused.
        let next = try store.submitBatch(Self.requests(["d"]), owner: StoreFixture.alice, now: fixture.tick())
        #expect(next.id == batch.id + 1)
    }

    @Test func aBatchStampsEveryJobInTheChangeLog() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let before = store.changes.generation
        let batch = try store.submitBatch(Self.requests(["a", "b"]), owner: StoreFixture.alice, now: fixture.now)
        #expect(store.changes.anyJobChanged(since: before))
        #expect(batch.jobIds.allSatisfy { store.changes.jobChanged($0, since: before) })
        let afterSubmit = store.changes.generation
        _ = try store.cancelQueuedJobs(ofBatch: batch.id, by: StoreFixture.alice, now: fixture.tick())
        #expect(batch.jobIds.allSatisfy { store.changes.jobChanged($0, since: afterSubmit) })
    }
}
