import Foundation
import GRDB
import MosaicAPI
import Testing

@testable import MosaicStore

@Suite struct RemovalTests {
    @Test(arguments: [JobState.succeeded, .failed, .canceled])
    func removeDeletesAFinishedJobAndItsLog(_ state: JobState) throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let kept = try fixture.make(state)
        let job = try fixture.make(state)
        try store.appendLog(id: kept.id, level: .info, message: "kept", now: fixture.tick())
        try store.appendLog(id: job.id, level: .error, message: "gone", now: fixture.tick())
        let removed = try store.remove(id: job.id)
        #expect(removed == job)
        #expect(try store.job(id: job.id) == nil)
        #expect(try logRows(store, id: job.id) == 0)  // ON DELETE CASCADE
        #expect(try logRows(store, id: kept.id) == 1)
        #expect(throws: StoreError.notFound(job.id)) { try store.remove(id: job.id) }
        // Ids are not reused after a removal.
        #expect(try fixture.make(.queued).id > job.id)
    }

    @Test func pruneFiltersByStateAndAge() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        var made: [JobState: [Job]] = [:]
        for state in [JobState.succeeded, .failed, .canceled, .succeeded, .failed, .canceled, .queued, .running] {
            made[state, default: []].append(try fixture.make(state))
        }
        for job in made.values.joined() {
            try store.appendLog(id: job.id, level: .info, message: "line", now: fixture.now)
        }
        let firstRound = try #require(made[.canceled]?.first?.finishedAt)

        // Old failed jobs only: the first failed one finished before the first canceled one.
        let oldFailed = try store.prune(olderThan: firstRound, states: [.failed])
        #expect(oldFailed.map(\.id) == [try #require(made[.failed]?.first?.id)])
        // The cutoff is inclusive: "finished at least this long ago".
        let canceledAtCutoff = try store.prune(olderThan: firstRound, states: [.canceled])
        #expect(canceledAtCutoff.map(\.id) == [try #require(made[.canceled]?.first?.id)])

        #expect(try store.prune(states: []) == [])
        #expect(throws: StoreError.invalidArgument("prune removes finished jobs only, not running ones")) {
            try store.prune(states: [.succeeded, .running])
        }

        let rest = try store.prune(states: [.succeeded, .failed, .canceled])
        let expected = (made[.succeeded] ?? []) + [made[.failed]?.last, made[.canceled]?.last].compactMap { $0 }
        #expect(rest == expected.sorted { $0.id < $1.id })
        #expect(try store.counts() == [.queued: 1, .running: 1, .succeeded: 0, .failed: 0, .canceled: 0])
        let remaining = try store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM job_logs") }
        #expect(remaining == 2)  // the queued and running jobs' lines
    }

    /// Log rows left for a job, read straight from the table: `log(id:)` throws once it is gone.
    private func logRows(_ store: JobStore, id: Int64) throws -> Int? {
        try store.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM job_logs WHERE job_id = ?", arguments: [id])
        }
    }
}
