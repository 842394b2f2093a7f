import Foundation
import MosaicAPI

/// The JSON bodies of show and list, laid out byte for byte as JSONEncoder lays out a `Job` and
/// a `JobPage` (`JobPageJSONTests` checks), so that a listing can be put together from its jobs'
/// cached JSON instead of encoding every job again.
enum JobPageJSON {
    /// The body of `GET /v1/jobs/{id}`: the job's JSON and a newline.
    static func body(of job: Job) throws -> [UInt8] {
        [UInt8](try APICoding.encoder().encode(job)) + [0x0A]
    }

    /// The body of `GET /v1/jobs` from its jobs' JSON (sorted keys, `next_before` left out when
    /// nil), and a newline.
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
