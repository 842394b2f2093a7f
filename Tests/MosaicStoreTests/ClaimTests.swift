import Foundation
import MosaicAPI
import Synchronization
import Testing

@testable import MosaicStore

@Suite struct ClaimTests {
    @Test func claimsByPriorityThenAge() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        var ids: [Int: Int64] = [:]  // submission order -> id
        for (order, priority) in [0, 5, 0, 5, -1, 10].enumerated() {
            ids[order] = try store.submit(
                StoreFixture.spec("job \(order)"), priority: priority,
                owner: StoreFixture.alice, now: fixture.tick()
            ).id
        }
        var claimed: [Int64] = []
        while let job = try store.claimNext(now: fixture.tick()) {
            #expect(job.state == .running && job.attempts == 1 && job.startedAt == fixture.now)
            claimed.append(job.id)
        }
        #expect(claimed == [5, 1, 3, 0, 2, 4].compactMap { ids[$0] })
        #expect(try store.counts()[.running] == 6)
    }

    @Test func pauseBlocksClaimsButNotTheRunningJob() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let running = try fixture.make(.running)
        let waiting = try fixture.make(.queued)
        try store.setPaused(true)
        #expect(try store.isPaused())
        #expect(try store.claimNext(now: fixture.tick()) == nil)
        // The job already running carries on to the end.
        try store.updateProgress(id: running.id, progress: JobProgress(step: 20, steps: 20))
        #expect(try store.finish(id: running.id, state: .succeeded, now: fixture.tick()).state == .succeeded)
        #expect(try store.claimNext(now: fixture.tick()) == nil)
        #expect(try store.job(id: waiting.id)?.state == .queued)
        try store.setPaused(false)
        #expect(try store.claimNext(now: fixture.tick())?.id == waiting.id)
    }

    @Test func emptyQueueClaimsNothing() throws {
        let fixture = try StoreFixture()
        #expect(try fixture.store.claimNext(now: fixture.now) == nil)
        _ = try fixture.make(.succeeded)
        #expect(try fixture.store.claimNext(now: fixture.now) == nil)
    }

    /// Two stores on one file, as two daemons would be, each claiming from two threads at once:
    /// every job is claimed exactly once.
    @Test func concurrentClaimsNeverShareAJob() throws {
        let fixture = try StoreFixture()
        let other = try JobStore(path: fixture.path)
        let jobCount = 400
        var submitted: Set<Int64> = []
        for index in 0..<jobCount {
            let store = index.isMultiple(of: 2) ? fixture.store : other
            submitted.insert(
                try store.submit(
                    StoreFixture.spec("job \(index)"), priority: index % 3,
                    owner: StoreFixture.alice, now: fixture.now
                ).id)
        }
        let results = Results()
        let stores = [fixture.store, other, fixture.store, other]
        let group = DispatchGroup()
        for store in stores {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                do {
                    while let job = try store.claimNext(now: Date()) {
                        results.claimed.withLock { $0.append(job.id) }
                    }
                } catch {
                    results.errors.withLock { $0.append("\(error)") }
                }
            }
            thread.start()
        }
        group.wait()
        let claimed = results.claimed.withLock { $0 }
        #expect(results.errors.withLock { $0 }.isEmpty)
        #expect(claimed.count == jobCount)
        #expect(Set(claimed) == submitted)
        #expect(try fixture.store.counts()[.running] == jobCount)
        #expect(try other.jobs(in: .running).allSatisfy { $0.attempts == 1 })
    }

    /// What the claiming threads saw.
    final class Results: Sendable {
        let claimed = Mutex<[Int64]>([])
        let errors = Mutex<[String]>([])
    }
}
