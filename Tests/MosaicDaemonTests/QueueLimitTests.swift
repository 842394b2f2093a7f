import Foundation
import MosaicAPI
import MosaicClient
import MosaicTestSupport
import Testing

/// `max_queued_jobs` and `max_queued_jobs_per_user`: 429 naming the limit, and mosaicctl's
/// exit status 6; running and finished jobs do not count.
@Suite(.serialized) struct QueueLimitTests {
    func submitError(_ client: MosaicClient) -> ClientError? {
        do {
            _ = try client.submit(SubmitRequest(render: smallRender()))
            return nil
        } catch { return error }
    }

    @Test func submissionsBeyondTheTotalLimitGet429() throws {
        let daemon = try DaemonProcess(extraArguments: ["--max-queued-jobs", "2", "--max-queued-jobs-per-user", "5"])
        defer { daemon.stop() }
        _ = try daemon.client.pause()
        let first = try daemon.client.submit(SubmitRequest(render: smallRender()))
        _ = try daemon.client.submit(SubmitRequest(render: smallRender()))
        guard case .api(let status, let error)? = submitError(daemon.client) else {
            Issue.record("the third submission was accepted")
            return
        }
        #expect(status == 429)
        #expect(error.code == .tooManyRequests)
        #expect(error.message.contains("max_queued_jobs") && error.message.contains("2"), "\(error.message)")

        let ctl = try CtlRunner.run(["submit", "one more"], socket: daemon.socketPath)
        #expect(ctl.status == 6, "\(ctl.stderr)")
        #expect(ctl.stderr.contains("max_queued_jobs") && ctl.stderr.contains("try again later"), "\(ctl.stderr)")

        // A canceled job leaves the queue and frees its place.
        _ = try daemon.client.cancel(first.id)
        #expect(submitError(daemon.client) == nil)
        #expect(try daemon.client.status().counts["queued"] == 2)
    }

    @Test func submissionsBeyondThePerUserLimitGet429() throws {
        let daemon = try DaemonProcess(extraArguments: ["--max-queued-jobs", "100", "--max-queued-jobs-per-user", "1"])
        defer { daemon.stop() }
        _ = try daemon.client.pause()
        _ = try daemon.client.submit(SubmitRequest(render: smallRender()))
        guard case .api(let status, let error)? = submitError(daemon.client) else {
            Issue.record("the second submission was accepted")
            return
        }
        #expect(status == 429)
        #expect(error.message.contains("max_queued_jobs_per_user"), "\(error.message)")
        #expect(
            error.message.contains(ProcessInfo.processInfo.userName) || error.message.contains("root"),
            "\(error.message)")
        #expect(try daemon.client.status().counts["queued"] == 1, "the refused job was not queued")
    }
}
