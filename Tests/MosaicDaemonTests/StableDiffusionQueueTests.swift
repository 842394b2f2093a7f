import Foundation
import MosaicAPI
import MosaicClient
import MosaicTestSupport
import Testing

/// A Stable Diffusion render (the tiny random-weight SD 1.x fixture model) through the real
/// daemon's queue: found under `--models`, tiled with overlap at 1024x1024, checkpointed, killed
/// inside its first checkpoint write (after the rename), resumed from that checkpoint, decoded with the tiled VAE, and byte for byte the
/// image of an undisturbed `mosaicd render`.
@Suite(.serialized) struct StableDiffusionQueueTests {
    static let models = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../MosaicStableDiffusionTests/Fixtures").standardizedFileURL.path

    @Test func aKilledTiledRenderResumesAndEndsBitIdentical() throws {
        let first = try DaemonProcess(
            extraArguments: ["--models", Self.models],
            environment: ["MOSAIC_FAULTS": "checkpoint.before-dir-fsync=crash"])
        let listed = try first.client.models()
        for name in ["mosaic-field", "sd1", "sd2", "sd1-single-fp16", "sd2-single-fp16"] {
            #expect(listed.contains { $0.name == name }, "\(name) in \(listed.map(\.name))")
        }
        #expect(listed.first { $0.name == "sd2" }?.summary.contains("Stable Diffusion 2.x (v_prediction)") == true)
        let spec = RenderSpec(
            prompt: "a lighthouse on a cliff", negativePrompt: "blurry", model: "sd1", width: 1024,
            height: 1024, steps: 3, sampler: "dpmpp_2m", guidance: 7.5, seed: 5, tiling: "overlap",
            lossless: true, stages: StageRequest.none)
        let job = try first.client.submit(SubmitRequest(render: spec))
        first.process.waitUntilExit()  // SIGKILLed itself after renaming its first checkpoint into place
        #expect(first.process.terminationReason == .uncaughtSignal)

        let second = try DaemonProcess(directory: first.directory, extraArguments: ["--models", Self.models])
        defer { second.stop() }
        let done = try second.waitFor(job.id, timeout: 900) { $0.state.isFinished }
        #expect(done.state == .succeeded, "\(done.error ?? "")\n\(second.log)")
        #expect(done.resumeCount ?? 0 >= 1)

        let direct = first.directory.appendingPathComponent("direct.webp").path
        let render = try DaemonProcess.runToExit(
            [
                "render", "--models", Self.models, "--model", "sd1", "--prompt", "a lighthouse on a cliff",
                "--negative-prompt", "blurry", "--width", "1024", "--height", "1024", "--steps", "3",
                "--sampler", "dpmpp_2m", "--guidance", "7.5", "--seed", "5", "--tiling", "overlap",
                "--stages", "none", "--lossless", "--output", direct,
            ], seconds: 1800)
        #expect(render.status == 0, "\(render.output)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: direct)) == Data(second.client.output(job.id)))
    }
}
