import Foundation
import MosaicAPI
import MosaicClient
import MosaicImage
import MosaicRender
import MosaicTestSupport
import Testing

/// Drives the real `mosaicd` binary over its real Unix socket, with its real SQLite file,
/// through the client library that `mosaicctl` uses.
@Suite(.serialized) struct QueueEndToEndTests {
    @Test func jobsRunInPriorityOrderAndPauseHoldsTheQueue() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        let client = daemon.client
        #expect(try client.pause().paused)
        let low = try client.submit(SubmitRequest(render: smallRender(seed: 1), priority: 0))
        let high = try client.submit(SubmitRequest(render: smallRender(seed: 2), priority: 10))
        let middle = try client.submit(SubmitRequest(render: smallRender(seed: 3), priority: 5))
        usleep(300_000)
        #expect(try client.status().counts["queued"] == 3, "pause holds the queue")
        #expect(try client.job(high.id).state == .queued)
        #expect(try !client.resume().paused)
        let done = try [low, high, middle].map { job in try daemon.waitFor(job.id) { $0.state.isFinished } }
        #expect(done.allSatisfy { $0.state == .succeeded }, "\(done.map(\.state))")
        let starts = done.map { $0.startedAt ?? .distantFuture }
        #expect(starts[1] < starts[2] && starts[2] < starts[0], "high, then middle, then low")
        for job in done {
            let bytes = try client.output(job.id)
            let image = try WebPDecoder.decode(bytes)
            #expect(image.width == 256 && image.height == 256)
            let xmp = try #require(try WebPDecoder.xmp(in: bytes))
            let metadata = try RenderMetadata.parse(try #require(XMPPacket.json(from: xmp)))
            #expect(metadata.seed == job.render.seed && metadata.prompt == "calm sea")
        }
    }

    /// Tiles that take longer than the cancel's wait (Stable Diffusion's take seconds to
    /// minutes): the answer comes after about 5 s with the job still running and the cancel
    /// recorded, and the job stops once its tile ends.
    @Test func cancelingASlowTileAnswers202AndTheJobStopsAfterIt() throws {
        let daemon = try DaemonProcess(threads: 1, environment: ["MOSAIC_FAULTS": "tile.evaluate=9s"])
        defer { daemon.stop() }
        let client = daemon.client
        let job = try client.submit(SubmitRequest(render: smallRender(steps: 3)))
        // The first step's row is written between its tile and the second step's, which starts
        // milliseconds later: a second on, the second step's 9 s tile is surely in progress.
        _ = try daemon.waitFor(job.id, timeout: 60) { ($0.progress?.step ?? 0) >= 1 }
        usleep(1_000_000)
        let asked = Date()
        let answer = try client.cancel(job.id)
        let took = Date().timeIntervalSince(asked)
        #expect(answer.state == .running, "the tile in progress takes 9 s")
        #expect(answer.canceledBy?.uid == getuid())
        #expect(took >= 4.5 && took < 8, "answered after the 5 s wait, not after the tile: \(took) s")
        let ended = try daemon.waitFor(job.id, timeout: 30) { $0.state.isFinished }
        #expect(ended.state == .canceled)
        #expect(
            Date().timeIntervalSince(asked) < 15, "stopped after the tile in progress, not the job's remaining steps")

        // A cancel as soon as the job is claimed, before its renderer exists, is taken too.
        let next = try client.submit(SubmitRequest(render: smallRender(steps: 3, seed: 2)))
        _ = try daemon.waitFor(next.id) { $0.state == .running }
        let early = try client.cancel(next.id)
        #expect(early.canceledBy?.uid == getuid())
        #expect(try daemon.waitFor(next.id, timeout: 30) { $0.state.isFinished }.state == .canceled)
    }

    @Test func queuedAndRunningJobsAreCanceledAndEventsReportThrottledProgress() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        let client = daemon.client
        // A running job, canceled within one tile evaluation.
        let long = try client.submit(
            SubmitRequest(render: RenderSpec(prompt: "waves", width: 4096, height: 4096, steps: 50, seed: 9)))
        let queued = try client.submit(SubmitRequest(render: smallRender()))
        _ = try daemon.waitFor(long.id) { ($0.progress?.step ?? 0) >= 1 }
        let canceledQueued = try client.cancel(queued.id)
        #expect(canceledQueued.state == .canceled && canceledQueued.canceledBy?.uid == getuid())
        let asked = Date()
        let canceled = try client.cancel(long.id)
        let took = Date().timeIntervalSince(asked)
        #expect(canceled.state == .canceled)
        #expect(took < 2, "a tile takes milliseconds; canceling took \(took) s")
        #expect(try client.log(long.id).contains { $0.message.contains("canceled by") })

        // A job's event stream shows its progress, never backwards and at most about five
        // times a second, always with the final step, and ends with the job.
        let watched = try client.submit(SubmitRequest(render: smallRender(side: 512, steps: 40)))
        var progress: [JobProgress] = []
        var times: [Date] = []
        var last: JobEvent?
        try client.events(watched.id) { event in
            if event.type == .progress, let p = event.progress {
                progress.append(p)
                times.append(event.time)
            }
            last = event
            return true
        }
        // Measured on the daemon's clock (the events' own times): a reader that falls behind
        // receives them in bursts.
        let seconds = (times.last ?? Date()).timeIntervalSince(times.first ?? Date())
        let steps = progress.map(\.step)
        #expect(zip(steps, steps.dropFirst()).allSatisfy { $0 <= $1 }, "\(steps)")
        #expect(
            progress.last?.step == 40 && progress.last?.tilesDone == progress.last?.tilesTotal,
            "\(progress.last.map { "\($0)" } ?? "none")")
        #expect(Double(progress.count) <= 2 + seconds * 5 + 1, "\(progress.count) progress events in \(seconds) s")
        #expect(last?.type == .end && last?.state == .succeeded)
        let finished = try client.job(watched.id)
        #expect(finished.progress?.step == 40, "the row holds the final progress")
    }

    @Test func retryRerunsAFailedJob() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        let client = daemon.client
        // Make the output write fail: the outputs directory becomes a file.
        let outputs = daemon.stateDirectory + "/outputs"
        try FileManager.default.removeItem(atPath: outputs)
        FileManager.default.createFile(atPath: outputs, contents: Data("not a directory".utf8))
        let job = try client.submit(SubmitRequest(render: smallRender()))
        let failed = try daemon.waitFor(job.id) { $0.state.isFinished }
        #expect(failed.state == .failed)
        #expect(failed.error?.contains("outputs") == true, "\(failed.error ?? "")")
        try FileManager.default.removeItem(atPath: outputs)
        try FileManager.default.createDirectory(atPath: outputs, withIntermediateDirectories: false)
        let retried = try client.retry(job.id)
        #expect(retried.state == .queued && retried.id == job.id)
        let succeeded = try daemon.waitFor(job.id) { $0.state.isFinished }
        #expect(succeeded.state == .succeeded && succeeded.attempts == 2 && succeeded.error == nil)
        // Removing deletes the job and its output.
        let path = try #require(succeeded.outputPath)
        _ = try client.remove(job.id)
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(throws: ClientError.self) { try client.job(job.id) }
    }

    @Test func theQueueSurvivesSIGTERMAndARestart() throws {
        let first = try DaemonProcess()
        let client = first.client
        _ = try client.pause()
        let ids = try (1...3).map {
            try client.submit(SubmitRequest(render: smallRender(seed: UInt64($0)), priority: $0)).id
        }
        #expect(first.stop() == 0, "SIGTERM exits cleanly:\n\(first.log)")
        let second = try DaemonProcess(directory: first.directory)
        defer { second.stop() }
        let status = try second.client.status()
        #expect(status.paused, "the pause survives the restart")
        #expect(status.counts["queued"] == 3)
        #expect(try ids.map { try second.client.job($0).state } == [.queued, .queued, .queued])
        _ = try second.client.resume()
        for id in ids { #expect(try second.waitFor(id) { $0.state.isFinished }.state == .succeeded) }
    }

    @Test func aQueuedRenderHasTheSamePixelsAsMosaicdRender() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        let spec = RenderSpec(
            prompt: "rocky shore, vivid", width: 512, height: 384, steps: 6, sampler: "euler_a",
            seed: 77, tiling: "overlap", tileSize: 32, tileOverlap: 8, lossless: true)
        let job = try daemon.client.submit(SubmitRequest(render: spec))
        #expect(try daemon.waitFor(job.id) { $0.state.isFinished }.state == .succeeded)
        let queued = try WebPDecoder.decode(try daemon.client.output(job.id))
        let direct = daemon.directory.appendingPathComponent("direct.webp").path
        let render = try DaemonProcess.runToExit(
            [
                "render", "--prompt", "rocky shore, vivid", "--width", "512", "--height", "384", "--steps", "6",
                "--sampler", "euler_a", "--seed", "77", "--tile-size", "32", "--tile-overlap", "8",
                "--lossless", "--threads", "1", "--output", direct,
            ], seconds: 600)
        #expect(render.status == 0, "\(render.output)")
        #expect(try WebPDecoder.decode(Array(Data(contentsOf: URL(fileURLWithPath: direct)))) == queued)
    }
}
