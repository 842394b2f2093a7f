import Foundation
import MosaicAPI
@testable import MosaicDaemon
import Testing

/// The cached JSON of `list` and `show` is byte for byte what JSONEncoder writes, and a job that
/// changes is encoded again.
struct JobJSONCacheTests {
    static func job(_ id: Int64, state: JobState = .succeeded, step: Int = 30) -> Job {
        let created = Date(timeIntervalSince1970: 1_790_000_000.123 + Double(id))
        return Job(id: id, state: state, render: RenderSpec(prompt: "calm \"sea\" / \(id)", width: 64, height: 64, steps: 30, seed: 7),
                   priority: Int(id % 3) - 1, owner: Owner(uid: 1000, name: "ada"), attempts: 1, createdAt: created,
                   startedAt: created.addingTimeInterval(0.5), finishedAt: state.isFinished ? created.addingTimeInterval(9.25) : nil,
                   progress: JobProgress(step: step, steps: 30, tilesDone: 4, tilesTotal: 4, elapsedSeconds: 8.75, etaSeconds: 0),
                   checkpointStep: step, outputPath: state == .succeeded ? "/var/lib/mosaic/outputs/\(id).webp" : nil)
    }

    static func encoded<T: Encodable>(_ value: T) throws -> [UInt8] {
        [UInt8](try APICoding.encoder().encode(value)) + [0x0A]
    }

    /// A page's body as `GET /v1/jobs` builds it from its jobs' JSON.
    static func body(of page: JobPage, _ cache: JobJSONCache) throws -> [UInt8] {
        JobJSONCache.body(ofPage: try page.jobs.map { try cache.json($0)[...] }, nextBefore: page.nextBefore)
    }

    @Test func pagesAndJobsMatchJSONEncoder() throws {
        let cache = JobJSONCache()
        let jobs = (1...5).map { Self.job($0) } + [Self.job(6, state: .running, step: 3)]
        for nextBefore in [nil, Int64(1)] {
            let page = JobPage(jobs: jobs, nextBefore: nextBefore)
            for _ in 0..<2 {  // the second time from the cache
                #expect(try Self.body(of: page, cache) == Self.encoded(page))
            }
        }
        #expect(try Self.body(of: JobPage(jobs: [], nextBefore: nil), cache) == Self.encoded(JobPage(jobs: [], nextBefore: nil)))
        #expect(try cache.body(of: jobs[5]) == Self.encoded(jobs[5]))
    }

    @Test func aChangedJobIsEncodedAgain() throws {
        let cache = JobJSONCache()
        _ = try cache.body(of: Self.job(1, state: .running, step: 3))
        let later = Self.job(1, state: .running, step: 4)
        #expect(try cache.body(of: later) == Self.encoded(later))
    }

    @Test func theCacheStartsAgainWhenFull() throws {
        let cache = JobJSONCache(capacity: 3)
        for id in 1...10 { _ = try cache.body(of: Self.job(Int64(id))) }
        #expect(try cache.body(of: Self.job(2)) == Self.encoded(Self.job(2)))
    }
}
