import MosaicAPI
import MosaicStore
import Synchronization

/// Bodies of `GET /v1/jobs/{id}` and `GET /v1/jobs`, answered again without the database until
/// a job they show changes.
///
/// Validity comes from the store's `JobChangeLog`: an entry is kept under the generation taken
/// before its read, and is good while no job it shows (for a listing: no job at all) has changed
/// since. So no write path has to remember to invalidate anything, and an answer is never older
/// than the last commit its caller could have seen. Authorization is still decided per request,
/// from the cached job's owner.
final class ResponseCache: Sendable {
    private struct CachedJob {
        let generation: UInt64
        let job: Job
        /// The job's JSON and a newline: the body of its show.
        let body: [UInt8]
    }

    private struct CachedPage {
        let generation: UInt64
        let body: [UInt8]
    }

    private let changes: JobChangeLog
    private let jobs = Mutex<[Int64: CachedJob]>([:])
    private let pages = Mutex<[String: CachedPage]>([:])
    /// Above this many jobs the cached jobs start again empty (a job's body is about a kilobyte).
    let capacity: Int
    /// Above this many listings the cached listings start again empty: a listing of up to 500
    /// jobs is up to half a megabyte, and a client choosing new `limit`s and `before`s must not
    /// be able to fill the daemon's memory with them.
    let pageCapacity: Int

    /// An empty cache validated by `changes`.
    init(changes: JobChangeLog, capacity: Int = 4096, pageCapacity: Int = 64) {
        self.changes = changes
        self.capacity = capacity
        self.pageCapacity = pageCapacity
    }

    /// The generation to cache a read under: take it before reading.
    var generation: UInt64 { changes.generation }

    /// Job `id` and its body, if cached and unchanged since.
    func job(_ id: Int64) -> (job: Job, body: [UInt8])? {
        guard let entry = jobs.withLock({ $0[id] }), !changes.jobChanged(id, since: entry.generation) else {
            return nil
        }
        return (entry.job, entry.body)
    }

    /// Job `id`'s JSON (its body without the newline) if cached under `generation` or an earlier
    /// one and unchanged since: then it is the row as any snapshot taken after `generation` holds it.
    func json(of id: Int64, cachedBy generation: UInt64) -> ArraySlice<UInt8>? {
        guard let entry = jobs.withLock({ $0[id] }), entry.generation <= generation,
            !changes.jobChanged(id, since: entry.generation)
        else { return nil }
        return entry.body.dropLast()
    }

    /// Caches `job`'s body, read after `generation` was taken.
    func cache(_ job: Job, body: [UInt8], readAt generation: UInt64) {
        jobs.withLock { jobs in
            if jobs.count >= capacity, jobs[job.id] == nil { jobs.removeAll(keepingCapacity: true) }
            jobs[job.id] = CachedJob(generation: generation, job: job, body: body)
        }
    }

    /// The body of the listing `key` names, if cached and no job has changed since.
    func page(_ key: String) -> [UInt8]? {
        guard let entry = pages.withLock({ $0[key] }), !changes.anyJobChanged(since: entry.generation) else {
            return nil
        }
        return entry.body
    }

    /// Caches the body of the listing `key` names, read after `generation` was taken.
    func cache(page key: String, body: [UInt8], readAt generation: UInt64) {
        pages.withLock { pages in
            if pages.count >= pageCapacity, pages[key] == nil { pages.removeAll(keepingCapacity: true) }
            pages[key] = CachedPage(generation: generation, body: body)
        }
    }
}
