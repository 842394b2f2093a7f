import Foundation
import MosaicAPI
import Testing

@testable import MosaicDaemon

/// A listing put together from its jobs' JSON is byte for byte what JSONEncoder writes.
struct JobPageJSONTests {
    static func job(_ id: Int64, state: JobState = .succeeded, step: Int = 30) -> Job {
        let created = Date(timeIntervalSince1970: 1_790_000_000.123 + Double(id))
        return Job(
            id: id, state: state,
            render: RenderSpec(prompt: "calm \"sea\" / \(id)", width: 64, height: 64, steps: 30, seed: 7),
            priority: Int(id % 3) - 1, owner: Owner(uid: 1000, name: "ada"), attempts: 1, createdAt: created,
            startedAt: created.addingTimeInterval(0.5),
            finishedAt: state.isFinished ? created.addingTimeInterval(9.25) : nil,
            progress: JobProgress(
                step: step, steps: 30, tilesDone: 4, tilesTotal: 4, elapsedSeconds: 8.75, etaSeconds: 0),
            checkpointStep: step, outputPath: state == .succeeded ? "/var/lib/mosaic/outputs/\(id).webp" : nil)
    }

    static func encoded<T: Encodable>(_ value: T) throws -> [UInt8] {
        [UInt8](try APICoding.encoder().encode(value)) + [0x0A]
    }

    /// A page's body as `GET /v1/jobs` builds it from its jobs' JSON.
    static func body(of page: JobPage) throws -> [UInt8] {
        JobPageJSON.body(
            ofPage: try page.jobs.map { try JobPageJSON.body(of: $0).dropLast() }, nextBefore: page.nextBefore)
    }

    @Test func pagesAndJobsMatchJSONEncoder() throws {
        let jobs = (1...5).map { Self.job($0) } + [Self.job(6, state: .running, step: 3)]
        for nextBefore in [nil, Int64(1)] {
            let page = JobPage(jobs: jobs, nextBefore: nextBefore)
            #expect(try Self.body(of: page) == Self.encoded(page))
        }
        #expect(
            try Self.body(of: JobPage(jobs: [], nextBefore: nil)) == Self.encoded(JobPage(jobs: [], nextBefore: nil)))
        #expect(try JobPageJSON.body(of: jobs[5]) == Self.encoded(jobs[5]))
    }
}
