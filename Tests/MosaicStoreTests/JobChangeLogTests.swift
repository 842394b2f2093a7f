import Foundation
import MosaicAPI
import Testing

@testable import MosaicStore

/// The change log stamps exactly the jobs each commit touched, after the commit, and nothing
/// for commits that leave the jobs alone or roll back.
struct JobChangeLogTests {
    @Test func eachCommitStampsTheJobsItTouched() throws {
        let fixture = try StoreFixture()
        let changes = fixture.store.changes
        let first = try fixture.make(.queued)
        let second = try fixture.make(.running)
        let before = changes.generation
        #expect(!changes.jobChanged(first.id, since: before) && !changes.anyJobChanged(since: before))

        try fixture.store.updateProgress(
            id: second.id, progress: JobProgress(step: 1, steps: 20, tilesDone: 4, tilesTotal: 4, elapsedSeconds: 1))
        #expect(changes.generation == before + 1)
        #expect(changes.jobChanged(second.id, since: before))
        #expect(!changes.jobChanged(first.id, since: before))
        #expect(changes.anyJobChanged(since: before))
        // A reader that took the new generation before reading saw the change.
        #expect(!changes.jobChanged(second.id, since: changes.generation))

        let afterUpdate = changes.generation
        _ = try fixture.store.cancelQueued(id: first.id, by: StoreFixture.alice, now: fixture.tick())
        _ = try fixture.store.remove(id: first.id)
        #expect(changes.generation == afterUpdate + 2)
        #expect(changes.jobChanged(first.id, since: afterUpdate) && !changes.jobChanged(second.id, since: afterUpdate))
    }

    @Test func commitsWithoutJobChangesAndRollbacksLeaveItAlone() throws {
        let fixture = try StoreFixture()
        let changes = fixture.store.changes
        let job = try fixture.make(.queued)
        let before = changes.generation
        try fixture.store.setPaused(true)
        try fixture.store.appendLog(id: job.id, level: .info, message: "a log line", now: fixture.tick())
        // A write that fails (the limit is reached) rolls back.
        #expect(throws: StoreError.self) {
            try fixture.store.submit(
                StoreFixture.spec(), priority: 0, owner: StoreFixture.alice, now: fixture.tick(), maxQueued: 1)
        }
        #expect(changes.generation == before)
        #expect(!changes.anyJobChanged(since: before))
    }

    @Test func pastItsCapacityEverythingOlderCountsAsChanged() throws {
        let log = JobChangeLog(capacity: 3)
        let start = log.generation
        log.committed([1, 2])
        let middle = log.generation
        #expect(!log.jobChanged(3, since: middle) && log.jobChanged(1, since: start))
        log.committed([3, 4])  // five stamps: all are dropped, the floor rises
        #expect(log.jobChanged(1, since: middle) && log.jobChanged(9, since: middle))
        #expect(!log.jobChanged(9, since: log.generation) && !log.jobChanged(3, since: log.generation))
    }
}
