import Foundation
import MosaicAPI
import MosaicClient
import MosaicTestSupport
import Testing

/// Admission control through the real daemon: a job whose estimate exceeds the budget is
/// refused with 422, its estimate and the budget; one that no longer fits when its turn comes
/// is failed and the queue goes on.
@Suite(.serialized) struct AdmissionTests {
    @Test func oversizedJobIsRefusedWithItsEstimate() throws {
        let daemon = try DaemonProcess(extraArguments: ["--max-job-memory", "64M"])
        defer { daemon.stop() }
        _ = try daemon.client.pause()
        let big = SubmitRequest(render: RenderSpec(prompt: "vast ocean", width: 8192, height: 8192, steps: 2))
        do {
            _ = try daemon.client.submit(big)
            Issue.record("an 8192x8192 job was accepted with a 64 MiB budget")
        } catch .api(let status, let error) {
            #expect(status == 422)
            #expect(error.code == .unprocessable)
            #expect(error.message.contains("max_job_memory"), "\(error.message)")
            let estimate = try #require(error.estimate)
            let budget = try #require(error.budget)
            #expect(budget.memoryBytes == 64 << 20)
            #expect(estimate.memoryBytes > budget.memoryBytes)
            // 8192x8192 RGB alone is 192 MiB.
            #expect(estimate.memoryBytes > 192 << 20)
            // The state and its copy during a checkpoint write, and the 128 x 128 preview.
            #expect(estimate.memoryTerms?["latent canvas"] == 2 * 4 * 1024 * 1024 * 4 + 4 * 128 * 128 * 4)
            #expect(estimate.diskBytes > 0 && budget.diskBytes > 0)
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(try daemon.client.status().counts["queued"] == 0, "nothing was queued")
        // A job that fits is accepted.
        #expect(try daemon.client.submit(SubmitRequest(render: smallRender())).state == .queued)

        let ctl = try CtlRunner.run(
            ["submit", "vast ocean", "--width", "8192", "--height", "8192"], socket: daemon.socketPath)
        #expect(ctl.status == 2, "\(ctl.stderr)")
        #expect(ctl.stderr.contains("estimate: memory") && ctl.stderr.contains("budget 64.0 MiB"), "\(ctl.stderr)")
    }

    @Test func diskBudgetIsEnforced() throws {
        let daemon = try DaemonProcess(extraArguments: ["--max-job-disk", "1M"])
        defer { daemon.stop() }
        _ = try daemon.client.pause()
        #expect(try daemon.client.submit(SubmitRequest(render: smallRender())).state == .queued)
        do {
            _ = try daemon.client.submit(
                SubmitRequest(render: RenderSpec(prompt: "x", width: 2048, height: 2048, lossless: true)))
            Issue.record("a 2048x2048 lossless job was accepted with a 1 MiB disk budget")
        } catch .api(let status, let error) {
            #expect(status == 422)
            #expect(error.message.contains("max_job_disk"), "\(error.message)")
            #expect((error.estimate?.diskBytes ?? 0) > 2048 * 2048 * 3)
            #expect(error.budget?.diskBytes == 1 << 20)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func jobThatNoLongerFitsIsFailedAtClaimAndTheQueueGoesOn() throws {
        let first = try DaemonProcess()
        _ = try first.client.pause()
        let big = try first.client.submit(
            SubmitRequest(
                render: RenderSpec(prompt: "vast ocean", width: 4096, height: 4096, steps: 2), priority: 10))
        let small = try first.client.submit(SubmitRequest(render: smallRender()))
        first.stop()

        // The same queue under a daemon with a budget the big job exceeds.
        let second = try DaemonProcess(directory: first.directory, extraArguments: ["--max-job-memory", "64M"])
        defer { second.stop() }
        _ = try second.client.resume()
        let failed = try second.waitFor(big.id) { $0.state.isFinished }
        #expect(failed.state == .failed)
        #expect(
            failed.error?.contains("not started") == true && failed.error?.contains("max_job_memory") == true,
            "\(failed.error ?? "no error")")
        #expect(failed.progress == nil || failed.progress?.step == 0, "it never rendered a step")
        let done = try second.waitFor(small.id) { $0.state.isFinished }
        #expect(done.state == .succeeded, "the queue went on: \(done.error ?? "")")
    }
}
