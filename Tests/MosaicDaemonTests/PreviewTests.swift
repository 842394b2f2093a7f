import Foundation
import MosaicAPI
import MosaicClient
import MosaicImage
import MosaicTestSupport
import Testing

/// Previews of running jobs through the real daemon: a small WebP of the current prediction,
/// for any shape the API accepts, and the daemon stays up.
@Suite struct PreviewTests {
    /// Image sides in px and the preview's size: the long side averaged down to 128 latent px
    /// (1024 px), a side shorter than the averaging block kept whole.
    @Test(arguments: [
        (1024, 768, 1024, 768),  // latent 128 x 96: factor 1
        (4096, 2048, 1024, 512),  // latent 512 x 256: factor 4
        (64, 16376, 8, 1016),  // latent 8 x 2047: factor 16, narrower than a block
        (16376, 64, 1016, 8),
    ])
    func aRunningJobsPreviewIsASmallWebP(width: Int, height: Int, previewWidth: Int, previewHeight: Int) throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        let job = try daemon.client.submit(
            SubmitRequest(
                render: RenderSpec(
                    prompt: "lighthouse in fog", width: width, height: height, steps: 200, seed: 5)))
        _ = try daemon.waitFor(job.id, timeout: 60) { ($0.progress?.step ?? 0) >= 1 || $0.state.isFinished }
        // The preview is published just after the step's progress: 409 until then.
        var answer: Result<[UInt8], ClientError> = .failure(.invalidRequest("no preview tried"))
        for _ in 0..<100 {
            answer = Result { () throws(ClientError) in try daemon.client.preview(job.id) }
            if case .success = answer { break }
            usleep(20_000)
        }
        let bytes = try answer.get()
        let image = try WebPDecoder.decode(bytes)
        #expect(image.width == previewWidth && image.height == previewHeight)
        #expect(
            try daemon.client.status().running?.id == job.id, "the daemon or the render did not survive the preview")
        _ = try daemon.client.cancel(job.id)
    }

    /// Previews are computed at most once a second (`RenderWorker.previewInterval`), not frozen:
    /// a later one differs from the first while the job runs.
    @Test func thePreviewFollowsTheRender() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        let job = try daemon.client.submit(
            SubmitRequest(
                render: RenderSpec(
                    prompt: "lighthouse in fog", width: 1024, height: 1024, steps: 1000, sampler: "euler", seed: 5)))
        _ = try daemon.waitFor(job.id, timeout: 60) { ($0.progress?.step ?? 0) >= 1 || $0.state.isFinished }
        var first: [UInt8]?
        for _ in 0..<100 where first == nil {
            first = try? daemon.client.preview(job.id)
            if first == nil { usleep(20_000) }
        }
        let initial = try #require(first, "no preview after the first step")
        var changed = false
        let started = Date()
        while !changed, Date().timeIntervalSince(started) < 10 {
            usleep(100_000)
            changed = try daemon.client.preview(job.id) != initial
        }
        #expect(changed, "the preview did not change in 10 s of rendering")
        #expect(
            try daemon.client.job(job.id).state == .running, "the job ended before the test could see a second preview")
        _ = try daemon.client.cancel(job.id)
    }
}
