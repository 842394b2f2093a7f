import Foundation
import MosaicAPI
import MosaicStore
import Synchronization

/// Publishes one job's render progress to its watchers and to the database, each through a
/// `ProgressThrottle`: at most `eventInterval` apart as events, `storeInterval` apart as rows.
///
/// Tile callbacks arrive on the pool's threads and step completions on the render thread; one
/// lock orders them, so watchers never see progress go backwards. Events and rows held back are
/// superseded by newer ones; `flush` sends the newest of each before the job's state changes.
final class JobProgressPublisher: Sendable {
    private struct State {
        var events: ProgressThrottle
        var rows: ProgressThrottle
    }

    private let jobId: Int64
    private let hub: EventHub
    private let store: JobStore
    private let state: Mutex<State>

    /// Creates the publisher of job `jobId`'s progress.
    init(jobId: Int64, hub: EventHub, store: JobStore, eventInterval: Double = 0.2, storeInterval: Double = 0.5) {
        self.jobId = jobId
        self.hub = hub
        self.store = store
        state = Mutex(
            State(events: ProgressThrottle(interval: eventInterval), rows: ProgressThrottle(interval: storeInterval)))
    }

    /// Reports `progress`; `persist` also records it in the job's row (step completions).
    /// Returns whether the row was written now.
    @discardableResult
    func report(_ progress: JobProgress, persist: Bool) -> Bool {
        let now = ProcessInfo.processInfo.systemUptime
        return state.withLock { state in
            if let event = state.events.offer(progress, now: now) { publish(event) }
            guard persist, let row = state.rows.offer(progress, now: now) else { return false }
            try? store.updateProgress(id: jobId, progress: row)
            return true
        }
    }

    /// Sends the progress held back, if any: the final progress of a job is never lost.
    func flush() {
        state.withLock { state in
            if let event = state.events.flush() { publish(event) }
            if let row = state.rows.flush() { try? store.updateProgress(id: jobId, progress: row) }
        }
    }

    private func publish(_ progress: JobProgress) {
        hub.publish(JobEvent(type: .progress, jobId: jobId, progress: progress))
    }
}
