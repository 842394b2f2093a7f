import Foundation
import MosaicCheckpoint
import MosaicDiffusion
import MosaicImage
import MosaicTensor
import MosaicTestSupport
import Synchronization
import Testing

@testable import MosaicRender

/// Renders `parameters` to the end on `threads` threads and returns the final state.
func render(_ parameters: RenderParameters, threads: Int) throws -> (RenderState, RGBImage) {
    let pool = WorkerPool(threadCount: threads)
    defer { pool.shutdown() }
    let renderer = try Renderer(parameters: parameters, pool: pool)
    try renderer.run()
    return (renderer.state, try renderer.decodeImage(pool: pool))
}

@Suite struct RendererTests {
    @Test(arguments: SamplerKind.allCases)
    func outputIsBitIdenticalForAnyThreadCount(sampler: SamplerKind) throws {
        BLAS.useSingleThread()
        for tiling in TilingMethod.allCases {
            let parameters = RenderParameters(
                prompt: "rocky coast at sunset", width: 640, height: 384, steps: 6, sampler: sampler,
                seed: 1234, tiling: tiling, tileSize: 32, tileOverlap: 8)
            let (one, imageOne) = try render(parameters, threads: 1)
            let (two, imageTwo) = try render(parameters, threads: 2)
            let (three, _) = try render(parameters, threads: 3)
            #expect(one.latent == two.latent && two.latent == three.latent, "\(sampler) \(tiling)")
            #expect(one.generator == two.generator)
            #expect(imageOne == imageTwo)
            #expect(one.step == 6)
        }
    }

    /// A small render of 32 x 24 latent px, under the preview's 128 px, so that a preview is the
    /// prediction itself.
    static func harbour(steps: Int) -> RenderParameters {
        RenderParameters(
            prompt: "harbour at dawn", width: 256, height: 192, steps: steps, seed: 9, tileSize: 32, tileOverlap: 8)
    }

    @Test func previewIsTheNaivePredictionAveragedAndTheScratchGoesWithTheLastStep() throws {
        let pool = WorkerPool(threadCount: 3)
        defer { pool.shutdown() }
        let renderer = try Renderer(parameters: Self.harbour(steps: 4), pool: pool)
        while !renderer.isFinished {
            let step = renderer.state.step
            let before = renderer.state.latent
            try renderer.step()
            guard !renderer.isFinished else { break }
            let level = NoiseLevel(timestep: renderer.sampler.timesteps[step], sigma: renderer.sampler.sigmas[step])
            let inputScale = renderer.sampler.modelInputScale(step: step)
            let a = Float(level.alphaCumprod.squareRoot())
            let s = Float((1 - level.alphaCumprod).squareRoot())
            let naive = zip(before, renderer.fusedOutput).map { (inputScale * $0 - s * $1) / a }
            // 32 x 24 latent px: under 128, so the preview is the prediction itself.
            #expect(
                renderer.preview == PreviewLatent(values: naive, channels: 4, width: 32, height: 24), "step \(step)")
            #expect(renderer.state.latent != before)
        }
        #expect(renderer.tileOutputs.isEmpty && renderer.fusedOutput.isEmpty, "the scratch outlived the last step")
        #expect(renderer.preview?.values.count == renderer.state.latent.count)
    }

    /// A step that skips its preview (`computesPreview` off, as the daemon does between the
    /// previews it publishes) leaves the last preview as it was and the render exactly the same.
    @Test func aStepWithoutItsPreviewKeepsTheLastOneAndTheSameRender() throws {
        let pool = WorkerPool(threadCount: 2)
        defer { pool.shutdown() }
        let every = try Renderer(parameters: Self.harbour(steps: 5), pool: pool)
        let some = try Renderer(parameters: Self.harbour(steps: 5), pool: pool)
        var computed: PreviewLatent?
        while !every.isFinished {
            let step = every.state.step
            some.computesPreview = step == 1 || step == 3
            try every.step()
            try some.step()
            #expect(
                some.state.latent == every.state.latent && some.state.generator == every.state.generator, "step \(step)"
            )
            if some.computesPreview { computed = every.preview }
            #expect(some.preview == computed, "step \(step)")
        }
        #expect(computed != nil && computed != every.preview, "the test skipped no preview that differed")
    }

    /// The averaged prediction against a plain loop over blocks, on random canvases of shapes
    /// around the block size: wide, tall, thinner than a block, not a multiple of it.
    @Test(arguments: [(300, 130), (130, 300), (2047, 8), (8, 2047), (257, 129), (128, 128), (1, 1)])
    func previewAveragesThePredictionOverBlocks(latentWidth: Int, latentHeight: Int) {
        let channels = 3
        let count = channels * latentWidth * latentHeight
        var rng = SeededGenerator(seed: UInt64(latentWidth * 7919 + latentHeight))
        let latent = (0..<count).map { _ in Float(rng.next() >> 40) / Float(1 << 22) - 2 }
        let noise = (0..<count).map { _ in Float(rng.next() >> 40) / Float(1 << 22) - 2 }
        let alphaCumprod = 0.37
        let inputScale: Float = 0.8
        let a = Float(alphaCumprod.squareRoot())
        let s = Float((1 - alphaCumprod).squareRoot())
        let factor = (max(latentWidth, latentHeight) + 127) / 128
        let bw = min(factor, latentWidth)
        let bh = min(factor, latentHeight)
        let width = latentWidth / bw
        let height = latentHeight / bh
        var expected = [Float](repeating: 0, count: channels * width * height)
        for c in 0..<channels {
            for y in 0..<height {
                for x in 0..<width {
                    var sum: Float = 0
                    for dy in 0..<bh {
                        for dx in 0..<bw {
                            let i = (c * latentHeight + y * bh + dy) * latentWidth + x * bw + dx
                            sum += (inputScale * latent[i] - s * noise[i]) / a
                        }
                    }
                    expected[(c * height + y) * width + x] = sum / Float(bw * bh)
                }
            }
        }
        let pool = WorkerPool(threadCount: 3)
        defer { pool.shutdown() }
        let preview = latent.withUnsafeBufferPointer { l in
            noise.withUnsafeBufferPointer { n in
                PreviewLatent.predicting(
                    latent: l, noise: n, channels: channels, latentWidth: latentWidth,
                    latentHeight: latentHeight, inputScale: inputScale,
                    alphaCumprod: alphaCumprod, pool: pool)
            }
        }
        #expect(max(preview.width, preview.height) <= 128 && preview.width >= 1 && preview.height >= 1)
        #expect(preview.width == width && preview.height == height && preview.channels == channels)
        let worst = zip(preview.values, expected).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? .infinity
        #expect(preview.values.count == expected.count && worst < 1e-6, "worst relative error \(worst)")
    }

    /// The canvas-sized arrays a step changes are changed in place, not copied into fresh
    /// allocations every step (each 67 MB at 16376 px, faulted in page by page).
    @Test(arguments: [SamplerKind.dpmpp2m, .eulerAncestral, .ddim])
    func stepsUpdateTheLatentAndTheHistoryInPlace(sampler: SamplerKind) throws {
        let pool = WorkerPool(threadCount: 2)
        defer { pool.shutdown() }
        let parameters = RenderParameters(
            prompt: "x", width: 256, height: 192, steps: 6, sampler: sampler, seed: 3,
            tileSize: 32, tileOverlap: 8)
        let renderer = try Renderer(parameters: parameters, pool: pool)
        // The storage's address as a number, taken inside the closure: the pointer itself must not
        // outlive it. A step that allocated a new array would hold old and new at once, so the
        // numbers would differ.
        func address(_ values: [Float]) -> UInt { values.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) } }
        try renderer.step()
        let latent = address(renderer.state.latent)
        let history = address(renderer.state.samplerHistory.previousDenoised)
        for _ in 1..<5 {
            try renderer.step()
            #expect(address(renderer.state.latent) == latent)
            #expect(address(renderer.state.samplerHistory.previousDenoised) == history)
        }
    }

    @Test func initialLatentIsTheWholeCanvasTorchNoiseScaledByInitSigma() throws {
        let parameters = RenderParameters(prompt: "x", width: 256, height: 192, steps: 10, sampler: .euler, seed: 42)
        let pool = WorkerPool(threadCount: 1)
        defer { pool.shutdown() }
        let renderer = try Renderer(parameters: parameters, pool: pool)
        var generator = TorchGenerator(seed: 42)
        let noise = generator.normal(count: 4 * 32 * 24)
        let sigma = Float(try SamplerKind.euler.makeSampler(steps: 10).initNoiseSigma)
        #expect(renderer.state.latent == noise.map { $0 * sigma })
        #expect(renderer.state.step == 0)
    }

    @Test func cancellationStopsWithinOneTileEvaluationPerThread() throws {
        let parameters = RenderParameters(
            prompt: "x", width: 1024, height: 1024, steps: 5, seed: 1, tileSize: 16, tileOverlap: 4)
        let pool = WorkerPool(threadCount: 2)
        defer { pool.shutdown() }
        let renderer = try Renderer(parameters: parameters, pool: pool)
        let evaluated = Mutex(0)
        let flag = renderer.cancellation
        #expect(throws: RenderError.self) {
            try renderer.step(onTile: { done, _, _ in
                evaluated.withLock { $0 = done }
                if done == 10 { flag.cancel() }
            })
        }
        // Tiles already running when the flag was set may finish: at most one per other thread.
        #expect(evaluated.withLock { $0 } <= 10 + 1)
        #expect(renderer.state.step == 0)
    }

    @Test func invalidParametersAreRefusedWithTheFieldNamed() {
        let pool = WorkerPool(threadCount: 1)
        defer { pool.shutdown() }
        let cases: [(RenderParameters, String)] = [
            (RenderParameters(prompt: "x", width: 100), "width"),
            (RenderParameters(prompt: "x", height: 16384), "height"),
            (RenderParameters(prompt: "x", width: 56), "width"),
            (RenderParameters(prompt: "x", steps: 0), "steps"),
            (RenderParameters(prompt: "x", steps: 1001), "steps"),
            (RenderParameters(prompt: "x", guidanceScale: .nan), "guidance"),
            (RenderParameters(prompt: "x", tileSize: 4), "tile-size"),
            (RenderParameters(prompt: "x", tileSize: 64, tileOverlap: 40), "tile-overlap"),
            (RenderParameters(prompt: String(repeating: "a", count: 4097)), "prompt"),
        ]
        for (parameters, field) in cases {
            do {
                _ = try Renderer(parameters: parameters, pool: pool)
                Issue.record("accepted invalid \(field)")
            } catch {
                guard case .invalidParameters(.invalid(let named, _)) = error else {
                    Issue.record("wrong error \(error)")
                    continue
                }
                #expect(named == field)
            }
        }
        #expect(throws: RenderError.self) {
            try Renderer(parameters: RenderParameters(prompt: "x", model: "sd-nonexistent"), pool: pool)
        }
    }

    @Test func outputCarriesTheParametersInItsXMP() throws {
        let parameters = RenderParameters(
            prompt: "desert \"dunes\" <at> noon & more", negativePrompt: "fog",
            width: 256, height: 128, steps: 3, seed: UInt64.max, tiling: .shifted)
        let pool = WorkerPool(threadCount: 2)
        defer { pool.shutdown() }
        let renderer = try Renderer(parameters: parameters, pool: pool)
        try renderer.run()
        let image = try renderer.decodeImage(pool: pool)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mosaic-render-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("out.webp")
        try renderer.write(image, to: url, encoding: .lossless)
        let bytes = try [UInt8](Data(contentsOf: url))
        #expect(try WebPDecoder.decode(bytes) == image)
        let xmp = try #require(try WebPDecoder.xmp(in: bytes))
        let metadata = try RenderMetadata.parse(try #require(XMPPacket.json(from: xmp)))
        #expect(metadata == renderer.metadata)
        #expect(metadata.prompt == parameters.prompt && metadata.seed == UInt64.max)
        #expect(
            metadata.tiling == "shifted" && metadata.tileSize == 64 && metadata.mosaicVersion == MosaicVersion.current)
        #expect(metadata.guidance == MosaicField().defaultGuidanceScale)
    }
}
