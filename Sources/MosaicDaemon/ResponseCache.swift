import MosaicAPI
import NIOCore
import MosaicStore
import Synchronization

/// Whole bodies of `GET /v1/jobs/{id}` and `GET /v1/jobs`, answered again without the database
/// until a job they show changes.
///
/// Two hundred scripts polling a daemon mostly ask for jobs that have not changed since the last
/// time; reading and decoding them from SQLite was the largest part of such a call. Validity
/// comes from the store's `JobChangeLog`: an entry is kept under the generation taken before its
/// read, and is good while no job it shows (for a listing: no job at all) has changed since. So
/// no write path has to remember to invalidate anything, and an answer is never older than the
/// last commit its caller could have seen. Authorization is still decided per request, from the
/// kept job's owner.
final class ResponseCache: Sendable {
    private struct Shown {
        let generation: UInt64
        let job: Job
        let answer: KeptResponse
    }

    private struct Listed {
        let generation: UInt64
        let answer: KeptResponse
    }

    private let changes: JobChangeLog
    private let shown = Mutex<[Int64: Shown]>([:])
    private let listed = Mutex<[String: Listed]>([:])
    /// Above this many jobs the kept jobs start again empty (a job's answer, head and body as
    /// written, `KeptResponse`, is about a kilobyte).
    let capacity: Int
    /// Above this many listings the kept listings start again empty: a listing of up to 500 jobs
    /// is up to half a megabyte, and a client choosing new `limit`s and `before`s must not be
    /// able to fill the daemon's memory with them.
    let listingCapacity: Int

    /// An empty cache validated by `changes`.
    init(changes: JobChangeLog, capacity: Int = 4096, listingCapacity: Int = 64) {
        self.changes = changes
        self.capacity = capacity
        self.listingCapacity = listingCapacity
    }

    /// Kept answers are JSON.
    static let contentType = "application/json"

    /// The generation to keep a read under: take it before reading.
    var generation: UInt64 { changes.generation }

    /// Job `id` and its answer, if kept and unchanged since.
    func job(_ id: Int64) -> (job: Job, answer: KeptResponse)? {
        guard let entry = shown.withLock({ $0[id] }), !changes.jobChanged(id, since: entry.generation) else { return nil }
        return (entry.job, entry.answer)
    }

    /// Job `id`'s JSON (its body without the newline) if kept under `generation` or an earlier
    /// one and unchanged since: then it is the row as any snapshot taken after `generation` holds it.
    func json(of id: Int64, keptBy generation: UInt64) -> ByteBufferView? {
        guard let entry = shown.withLock({ $0[id] }), entry.generation <= generation,
              !changes.jobChanged(id, since: entry.generation) else { return nil }
        return entry.answer.body.dropLast()
    }

    /// Keeps `job`'s body, read after `generation` was taken, and returns the kept answer.
    @discardableResult
    func keep(_ job: Job, body: [UInt8], readAt generation: UInt64) -> KeptResponse {
        let answer = KeptResponse(contentType: Self.contentType, body: body)
        shown.withLock { shown in
            if shown.count >= capacity, shown[job.id] == nil { shown.removeAll(keepingCapacity: true) }
            shown[job.id] = Shown(generation: generation, job: job, answer: answer)
        }
        return answer
    }

    /// The listing `key` names, if kept and no job has changed since.
    func page(_ key: String) -> KeptResponse? {
        guard let entry = listed.withLock({ $0[key] }), !changes.anyJobChanged(since: entry.generation) else { return nil }
        return entry.answer
    }

    /// Keeps the body of the listing `key` names, read after `generation` was taken, and returns
    /// the kept answer.
    @discardableResult
    func keep(page key: String, body: [UInt8], readAt generation: UInt64) -> KeptResponse {
        let answer = KeptResponse(contentType: Self.contentType, body: body)
        listed.withLock { listed in
            if listed.count >= listingCapacity, listed[key] == nil { listed.removeAll(keepingCapacity: true) }
            listed[key] = Listed(generation: generation, answer: answer)
        }
        return answer
    }
}
