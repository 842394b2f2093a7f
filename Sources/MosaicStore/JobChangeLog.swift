import GRDB
import Synchronization

/// Which jobs this store's writes have changed, as a count of commits: readers key caches by it.
///
/// Every commit of the store's writer that touches the `jobs` table advances `generation` by one
/// and stamps each job it inserted, updated or deleted with the new value. A reader that takes
/// `generation` *before* it reads the database and keeps what it read under that number can
/// later ask whether the job changed since (`jobChanged(_:since:)`): the stamp is set after the
/// commit, so a read that began after a stamp saw the change. Writes by other processes on the
/// same file are not seen; mosaicd is its database's only writer.
///
/// The stamps are bounded: past `capacity` jobs they are dropped and `floor` rises to the current
/// generation, so anything read before it counts as changed.
public final class JobChangeLog: Sendable {
    private struct State {
        var generation: UInt64 = 1
        var floor: UInt64 = 1
        var jobs: [Int64: UInt64] = [:]
        var anyJob: UInt64 = 1
    }

    private let state = Mutex(State())
    /// How many jobs' stamps are kept before they are dropped together.
    public let capacity: Int

    init(capacity: Int = 16_384) { self.capacity = capacity }

    /// The number of committed writes that changed jobs, plus one; a reader takes it before reading.
    public var generation: UInt64 { state.withLock { $0.generation } }

    /// Whether job `id` may have changed after `generation` (taken before its read).
    public func jobChanged(_ id: Int64, since generation: UInt64) -> Bool {
        state.withLock { state in generation < state.floor || (state.jobs[id] ?? 0) > generation }
    }

    /// Whether any job was inserted, changed or removed after `generation`.
    public func anyJobChanged(since generation: UInt64) -> Bool {
        state.withLock { state in generation < state.floor || state.anyJob > generation }
    }

    /// Records one commit that changed `ids`.
    func committed(_ ids: Set<Int64>) {
        guard !ids.isEmpty else { return }
        state.withLock { state in
            state.generation += 1
            if state.jobs.count + ids.count > capacity {
                state.jobs.removeAll(keepingCapacity: true)
                state.floor = state.generation
            }
            for id in ids { state.jobs[id] = state.generation }
            state.anyJob = state.generation
        }
    }
}

/// Feeds a `JobChangeLog` from the writer connection: the row ids of `jobs` each transaction
/// touched, handed over once it has committed.
final class JobChangeObserver: TransactionObserver, Sendable {
    private let log: JobChangeLog
    /// Only the writer's queue calls the observer; the mutex makes that visible to the compiler.
    private let pending = Mutex(Set<Int64>())

    init(log: JobChangeLog) { self.log = log }

    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { eventKind.tableName == "jobs" }

    func databaseDidChange(with event: DatabaseEvent) {
        let id = event.rowID
        pending.withLock { _ = $0.insert(id) }
    }

    func databaseDidCommit(_ db: Database) {
        log.committed(
            pending.withLock { ids in
                defer { ids.removeAll() }
                return ids
            })
    }

    func databaseDidRollback(_ db: Database) {
        pending.withLock { $0.removeAll() }
    }
}
