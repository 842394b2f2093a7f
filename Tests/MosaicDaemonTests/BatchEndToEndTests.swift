import Foundation
import MosaicAPI
import MosaicClient
import MosaicTestSupport
import Testing

/// Batches through the real `mosaicd` over its socket and SQLite file, driven by `MosaicClient`:
/// all jobs or none, seeds counted up, listing, cancel, and the answers the cache keeps.
@Suite(.serialized) struct BatchEndToEndTests {
    /// The error a call failed with, or nil.
    func failure<T>(_ call: () throws(ClientError) -> T) -> (status: Int, error: APIError)? {
        do {
            _ = try call()
            return nil
        } catch {
            guard case .api(let status, let apiError) = error else { return (0, APIError(.internal, "\(error)")) }
            return (status, apiError)
        }
    }

    @Test func aBatchQueuesEveryJobWithCountedSeedsAndRunsThemAll() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        let client = daemon.client
        _ = try client.pause()
        var unseeded = smallRender("grey sky", steps: 2)
        unseeded.seed = nil
        let batch = try client.submitBatch(
            BatchRequest(items: [
                BatchItem(render: smallRender("calm sea", steps: 2, seed: .max - 1), count: 3),
                BatchItem(render: unseeded, priority: 5, count: 2),
            ]))
        #expect(batch.jobIds.count == 5 && batch.owner.uid == getuid())
        #expect(batch.counts["queued"] == 5 && batch.counts["succeeded"] == 0)
        #expect(try client.batch(batch.id) == batch)
        let jobs = try batch.jobIds.map { id throws(ClientError) in try client.job(id) }
        #expect(jobs.allSatisfy { $0.batchId == batch.id })
        // Seeds count up from the item's seed, past 2^64 - 1 to 0; an item without one gets a seed per job.
        #expect(jobs.prefix(3).map(\.render.seed) == [.max - 1, .max, 0])
        #expect(jobs[3].render.seed != jobs[4].render.seed)
        #expect(jobs.suffix(2).allSatisfy { $0.priority == 5 && $0.render.prompt == "grey sky" })
        let single = try client.submit(SubmitRequest(render: smallRender(steps: 2)))
        #expect(single.batchId == nil)

        let listed = try client.allJobs(batch: batch.id)
        #expect(listed.map(\.id) == batch.jobIds.reversed())
        let page = try client.jobs(batch: batch.id, limit: 2)
        #expect(page.jobs.count == 2 && page.nextBefore == batch.jobIds[3])
        #expect(try client.jobs(states: [.succeeded], batch: batch.id).jobs.isEmpty)

        _ = try client.resume()
        for id in batch.jobIds + [single.id] {
            #expect(try daemon.waitFor(id) { $0.state.isFinished }.state == .succeeded)
        }
        let done = try client.batch(batch.id)
        #expect(done.counts["succeeded"] == 5 && done.counts["queued"] == 0 && done.isFinished)
        #expect(try client.jobs(states: [.succeeded], batch: batch.id).jobs.count == 5)
        #expect(failure { () throws(ClientError) in try client.batch(batch.id + 1) }?.status == 404)
    }

    @Test func aBadItemQueuesNothingAndIsNamed() throws {
        let daemon = try DaemonProcess(extraArguments: ["--max-queued-jobs-per-user", "4"])
        defer { daemon.stop() }
        let client = daemon.client
        _ = try client.pause()
        let good = BatchItem(render: smallRender(), count: 2)
        var bad = smallRender()
        bad.steps = 0
        let refused = try #require(
            failure { () throws(ClientError) in
                try client.submitBatch(BatchRequest(items: [good, BatchItem(render: bad)]))
            })
        #expect(refused.status == 400 && refused.error.item == 1)
        #expect(refused.error.message.hasPrefix("items[1]: invalid steps"), "\(refused.error.message)")

        // Unknown fields and nulls are named with the item.
        let typo = try client.raw(
            method: "POST", path: "/v1/batches",
            body: Array(#"{"items":[{"render":{"prompt":"a"}},{"render":{"prompt":"b","stepz":3}}]}"#.utf8))
        #expect(typo.status == 400)
        let typoError = try APICoding.decoder().decode(ErrorResponse.self, from: Data(typo.body)).error
        #expect(typoError.item == 1 && typoError.message.contains("items[1].render.stepz"), "\(typoError)")
        for body in [#"{"items":[]}"#, #"{"items":[{"render":{"prompt":"a"},"count":0}]}"#, #"{"jobs":[]}"#] {
            #expect(
                try client.raw(method: "POST", path: "/v1/batches", body: Array(body.utf8)).status == 400, "\(body)")
        }
        // More than 10,000 jobs in all.
        let tooMany = try #require(
            failure { () throws(ClientError) in
                try client.submitBatch(
                    BatchRequest(items: [
                        BatchItem(render: smallRender(), count: 6_000), BatchItem(render: smallRender(), count: 4_001),
                    ]))
            })
        #expect(tooMany.status == 400 && tooMany.error.item == 1, "\(tooMany.error)")
        // Over the queue limit as a whole: 429, nothing queued.
        let over = try #require(
            failure { () throws(ClientError) in
                try client.submitBatch(BatchRequest(items: [BatchItem(render: smallRender(), count: 5)]))
            })
        #expect(over.status == 429 && over.error.message.contains("max_queued_jobs_per_user"), "\(over.error)")
        #expect(try client.status().counts["queued"] == 0)
        #expect(try client.allJobs().isEmpty)
        #expect(
            try client.submitBatch(BatchRequest(items: [BatchItem(render: smallRender(), count: 4)])).jobIds.count == 4)
    }

    @Test func cancelingABatchCancelsItsJobsAndTheCachedAnswersFollow() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        let client = daemon.client
        _ = try client.pause()
        let batch = try client.submitBatch(BatchRequest(items: [BatchItem(render: smallRender(), count: 3)]))
        let single = try client.submit(SubmitRequest(render: smallRender()))
        // Read twice, so the second answers come from the daemon's response cache.
        for _ in 0..<2 {
            #expect(try client.jobs(batch: batch.id).jobs.allSatisfy { $0.state == .queued })
            #expect(try client.job(batch.jobIds[0]).state == .queued)
        }
        let result = try client.cancelBatch(batch.id)
        #expect(result.canceled == batch.jobIds && result.stopping.isEmpty)
        #expect(result.batch.counts["canceled"] == 3 && result.batch.isFinished)
        #expect(try client.jobs(batch: batch.id).jobs.allSatisfy { $0.state == .canceled && $0.canceledBy != nil })
        #expect(try client.job(batch.jobIds[0]).state == .canceled)
        #expect(try client.job(single.id).state == .queued, "not in the batch")
        #expect(try client.log(batch.jobIds[1]).last?.event == .canceled(by: batch.owner.name, step: nil))
        let again = try client.cancelBatch(batch.id)
        #expect(again.canceled.isEmpty && again.stopping.isEmpty)
        #expect(failure { () throws(ClientError) in try client.cancelBatch(batch.id + 1) }?.status == 404)
    }

    @Test func aRunningJobOfTheBatchIsStoppedToo() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        let client = daemon.client
        let batch = try client.submitBatch(
            BatchRequest(items: [
                BatchItem(
                    render: RenderSpec(prompt: "waves", width: 4096, height: 4096, steps: 50, seed: 9), priority: 1),
                BatchItem(render: smallRender(), count: 2),
            ]))
        _ = try daemon.waitFor(batch.jobIds[0]) { ($0.progress?.step ?? 0) >= 1 }
        let result = try client.cancelBatch(batch.id)
        #expect(Set(result.canceled + result.stopping) == Set(batch.jobIds))
        for id in batch.jobIds {
            #expect(try daemon.waitFor(id, timeout: 30) { $0.state.isFinished }.state == .canceled)
        }
    }

    @Test func theBatchRouteAloneTakesBodiesAbove64KiB() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        let client = daemon.client
        _ = try client.pause()
        let prompt = String(repeating: "a long prompt, ", count: 30)  // 450 bytes
        let items = (0..<300).map { BatchItem(render: smallRender("\(prompt)\($0)")) }  // about 160 KB
        let batch = try client.submitBatch(BatchRequest(items: items))
        #expect(batch.jobIds.count == 300)
        let big = try APICoding.encoder().encode(
            SubmitRequest(render: smallRender(String(repeating: "a", count: 70_000))))
        #expect(try client.raw(method: "POST", path: "/v1/jobs", body: Array(big)).status == 413)
        let huge =
            Array(#"{"items":[{"render":{"prompt":""#.utf8) + Array(repeating: UInt8(ascii: "a"), count: 2_200_000)
            + Array(#""}}]}"#.utf8)
        #expect(try client.raw(method: "POST", path: "/v1/batches", body: huge).status == 413)
        #expect(try client.status().counts["queued"] == 300)
    }
}
