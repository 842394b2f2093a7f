import Foundation
import MosaicAPI
import Synchronization

/// Each job's JSON as the API encodes it, kept while the job stays the same.
///
/// A `GET /v1/jobs` of 50 jobs spent most of its time in JSONEncoder and its date formatting,
/// for jobs that had not changed since the last listing (finished jobs never change). The cache
/// is keyed by the job's whole value: a hit is a job equal to the one encoded, so no write
/// path has to remember to invalidate it, and an answer built from it is byte for byte the one
/// JSONEncoder gives (`JobJSONCacheTests` checks that).
final class JobJSONCache: Sendable {
    private struct Entry {
        let job: Job
        let json: [UInt8]
    }

    private let entries = Mutex<[Int64: Entry]>([:])
    /// Above this many jobs the cache starts again empty (removed jobs leave entries behind).
    let capacity: Int

    /// Creates an empty cache of at most `capacity` jobs.
    init(capacity: Int = 4096) { self.capacity = capacity }

    /// `job` as JSON (no newline), from the cache when it holds an equal job.
    func json(_ job: Job) throws -> [UInt8] {
        if let entry = entries.withLock({ $0[job.id] }), entry.job == job { return entry.json }
        let json = [UInt8](try APICoding.encoder().encode(job))
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[job.id] = Entry(job: job, json: json)
        }
        return json
    }

    /// The body of `GET /v1/jobs/{id}`: the job's JSON and a newline.
    func body(of job: Job) throws -> [UInt8] { try json(job) + [0x0A] }

    /// The body of `GET /v1/jobs` from its jobs' JSON, laid out as JSONEncoder lays out a
    /// `JobPage` (sorted keys, `next_before` left out when nil), and a newline.
    static func body<JSON: Collection<UInt8>>(ofPage jobs: [JSON], nextBefore: Int64?) -> [UInt8] {
        var body = Array(#"{"jobs":["#.utf8)
        body.reserveCapacity(jobs.reduce(16) { $0 + $1.count + 1 } + 32)
        for (index, json) in jobs.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body += json
        }
        body.append(UInt8(ascii: "]"))
        if let next = nextBefore { body += Array(#","next_before":\#(next)"#.utf8) }
        body += Array("}\n".utf8)
        return body
    }
}
