import Foundation
import MosaicAPI
import MosaicClient
import MosaicImage
import MosaicTestSupport
import Testing

/// Crashes the real daemon on purpose (fault injection through MOSAIC_FAULTS) and checks what a
/// restart makes of it: a resume that ends bit-identical, a crash loop failed with a message,
/// a full disk failing the job cleanly.
@Suite(.serialized) struct CrashRecoveryTests {
    /// Starts `mosaicd serve` on `directory` with `faults` and waits until it exits by itself or
    /// `seconds` pass (then stops it).
    func runUntilExit(_ directory: URL, faults: String, seconds: Double = 30) throws {
        _ = try DaemonProcess.runToExit(
            [
                "serve", "--state-dir", directory.appendingPathComponent("state").path,
                "--socket", directory.appendingPathComponent("mosaicd.sock").path, "--threads", "2",
            ],
            environment: ["MOSAIC_FAULTS": faults], seconds: seconds)
    }

    @Test func aKilledRenderResumesAndEndsBitIdentical() throws {
        let first = try DaemonProcess(environment: ["MOSAIC_FAULTS": "checkpoint.before-rename=crash"])
        let spec = RenderSpec(
            prompt: "waves at dusk", width: 512, height: 512, steps: 6, sampler: "euler_a", seed: 4,
            lossless: true)
        let job = try first.client.submit(SubmitRequest(render: spec))
        first.process.waitUntilExit()  // SIGKILLed itself while writing the first checkpoint
        #expect(first.process.terminationReason == .uncaughtSignal)
        // The second life crashes at its first checkpoint too; the third one has no faults.
        try runUntilExit(first.directory, faults: "checkpoint.before-dir-fsync=crash")
        let third = try DaemonProcess(directory: first.directory)
        defer { third.stop() }
        let done = try third.waitFor(job.id) { $0.state.isFinished }
        #expect(done.state == .succeeded, "\(done.error ?? "")")
        #expect(done.resumeCount ?? 0 >= 1)
        let log = try third.client.log(job.id)
        #expect(log.contains { $0.message.contains("resumed from the checkpoint after step") })
        // The same resume as an event, which tools read instead of the sentence.
        #expect(log.contains { if case .resumed(_, let fromStep, _, _, _)? = $0.event { fromStep > 0 } else { false } })
        let direct = first.directory.appendingPathComponent("direct.webp").path
        _ = try DaemonProcess.runToExit(
            [
                "render", "--prompt", "waves at dusk", "--width", "512", "--height", "512", "--steps", "6",
                "--sampler", "euler_a", "--seed", "4", "--lossless", "--output", direct,
            ], seconds: 600)
        #expect(try Data(contentsOf: URL(fileURLWithPath: direct)) == Data(third.client.output(job.id)))
    }

    @Test func aJobThatKeepsCrashingTheDaemonIsFailedAndTheQueueGoesOn() throws {
        let first = try DaemonProcess(environment: ["MOSAIC_FAULTS": "checkpoint.before-rename=crash"])
        _ = try first.client.pause()
        let looping = try first.client.submit(SubmitRequest(render: smallRender(steps: 3), priority: 10))
        let next = try first.client.submit(SubmitRequest(render: smallRender(steps: 3, seed: 2)))
        _ = try first.client.resume()
        first.process.waitUntilExit()
        // Crash, then 3 resumes at step 0 that crash again; the 4th is refused.
        for _ in 0..<4 { try runUntilExit(first.directory, faults: "checkpoint.before-rename=crash", seconds: 10) }
        let clean = try DaemonProcess(directory: first.directory)
        defer { clean.stop() }
        let failed = try clean.waitFor(looping.id) { $0.state.isFinished }
        #expect(failed.state == .failed)
        #expect(failed.error?.contains("crash loop") == true, "\(failed.error ?? "")")
        #expect(try clean.waitFor(next.id) { $0.state.isFinished }.state == .succeeded, "the queue goes on")
    }

    @Test func aFullDiskFailsTheJobWithAClearMessageAndTheDaemonStaysUp() throws {
        let daemon = try DaemonProcess(environment: ["MOSAIC_FAULTS": "checkpoint.write=ENOSPC"])
        defer { daemon.stop() }
        let job = try daemon.client.submit(SubmitRequest(render: smallRender(steps: 3)))
        let failed = try daemon.waitFor(job.id) { $0.state.isFinished }
        #expect(failed.state == .failed)
        #expect(failed.error?.contains("No space left on device") == true, "\(failed.error ?? "")")
        // Nothing half-written looks like a checkpoint, and the daemon still answers.
        let files =
            (try? FileManager.default.contentsOfDirectory(atPath: daemon.stateDirectory + "/checkpoints/\(job.id)"))
            ?? []
        #expect(!files.contains { $0.hasSuffix(".safetensors") }, "\(files)")
        #expect(try daemon.client.status().counts["failed"] == 1)
    }
}
