import Foundation
import MosaicAPI
import MosaicTestSupport
import Testing

@testable import MosaicDaemon

/// A listing put together from its jobs' JSON is byte for byte what JSONEncoder writes.
struct JobPageJSONTests {
    /// A page's body as `GET /v1/jobs` builds it from its jobs' JSON.
    static func body(of page: JobPage) throws -> [UInt8] {
        JobPageJSON.body(
            ofPage: try page.jobs.map { try JobPageJSON.body(of: $0).dropLast() }, nextBefore: page.nextBefore)
    }

    @Test func pagesAndJobsMatchJSONEncoder() throws {
        let jobs = (1...5).map { Sample.answeredJob($0) } + [Sample.answeredJob(6, state: .running, step: 3)]
        for nextBefore in [nil, Int64(1)] {
            let page = JobPage(jobs: jobs, nextBefore: nextBefore)
            #expect(try Self.body(of: page) == Sample.encoded(page))
        }
        #expect(
            try Self.body(of: JobPage(jobs: [], nextBefore: nil)) == Sample.encoded(JobPage(jobs: [], nextBefore: nil)))
        #expect(try JobPageJSON.body(of: jobs[5]) == Sample.encoded(jobs[5]))
    }
}
