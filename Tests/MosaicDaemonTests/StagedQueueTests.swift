import Foundation
import MosaicAPI
import MosaicClient
import MosaicTestSupport
import Testing

/// A staged Stable Diffusion render (the tiny random-weight SD 1.x fixture, 128 to 512 px in
/// three stages) through the real daemon's queue, killed again and again: at every checkpoint
/// of every stage and after every journaled decode tile, so each daemon gets one step or one
/// tile further. It must end byte for byte as the undisturbed `mosaicd render` of the same job.
@Suite(.serialized) struct StagedQueueTests {
    static let models = StableDiffusionQueueTests.models

    static let spec = RenderSpec(
        prompt: "a lighthouse on a cliff", negativePrompt: "blurry", model: "sd1", width: 512, height: 384,
        steps: 3, sampler: "dpmpp_2m", guidance: 7.5, seed: 5, tiling: "overlap", tileSize: 32, tileOverlap: 8,
        lossless: true, stages: .sides([128, 256, 512]), strengths: [1, 0.7, 0.7])

    @Test func aStagedRenderKilledInEveryStageAndDecodeEndsByteIdentical() throws {
        let faults = ["MOSAIC_FAULTS": "checkpoint.before-dir-fsync=crash,decode.after-journal=crash"]
        var daemon = try DaemonProcess(extraArguments: ["--models", Self.models], environment: faults)
        let directory = daemon.directory
        let plan = try daemon.client.plan(SubmitRequest(render: Self.spec))
        #expect(plan.stages.map(\.steps) == [3, 2, 2])
        let job = try daemon.client.submit(SubmitRequest(render: Self.spec))
        var kills = 0
        var finished: Job?
        while finished == nil {
            // Every daemon but the last crashes at the next checkpoint or after the next decode tile.
            while daemon.process.isRunning, finished == nil {
                if let current = try? daemon.client.job(job.id), current.state.isFinished { finished = current }
                usleep(50_000)
            }
            if finished != nil { break }
            #expect(daemon.process.terminationReason == .uncaughtSignal, "\(daemon.log)")
            kills += 1
            guard kills < 80 else {
                Issue.record("no end in sight after \(kills) kills:\n\(daemon.log)")
                return
            }
            daemon = try DaemonProcess(
                directory: directory, extraArguments: ["--models", Self.models], environment: faults)
        }
        let last = daemon
        defer { last.stop() }
        let done = try #require(finished)
        #expect(done.state == .succeeded, "\(done.error ?? "")\n\(last.log)")
        // 3 + 2 + 2 step checkpoints, the encoded starts of stages 2 and 3 (checkpointed before
        // their first step) and the decode tiles of three stages, one kill each.
        #expect(kills >= 7 + 2 + 3, "killed \(kills) times")
        let log = try last.client.log(job.id)
        let stagesDone = log.compactMap { line -> Int? in
            if case .stageFinished(let stage, _, _) = line.event { return stage }
            return nil
        }
        #expect(Set(stagesDone) == [1, 2])
        #expect(log.contains { $0.message.contains("in the decode, with") }, "a resume inside a decode")

        let direct = directory.appendingPathComponent("direct.webp").path
        let render = try DaemonProcess.runToExit(
            [
                "render", "--models", Self.models, "--model", "sd1", "--prompt", "a lighthouse on a cliff",
                "--negative-prompt", "blurry", "--width", "512", "--height", "384", "--steps", "3",
                "--sampler", "dpmpp_2m", "--guidance", "7.5", "--seed", "5", "--tiling", "overlap", "--tile-size",
                "32", "--tile-overlap", "8", "--stages", "128,256,512", "--strengths", "1,0.7,0.7", "--lossless",
                "--output", direct,
            ], seconds: 1800)
        #expect(render.status == 0, "\(render.output)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: direct)) == Data(last.client.output(job.id)))
        // Each stage's image is kept; the last one is the output.
        let second = try last.client.output(job.id, stage: 2)
        #expect(second.count > 0)
        #expect(try last.client.output(job.id, stage: 3) == last.client.output(job.id))
    }
}
