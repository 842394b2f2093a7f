import Foundation
import MosaicCheckpoint
import MosaicDiffusion
import MosaicImage
import MosaicTensor
import Synchronization
import Testing

@testable import MosaicRender

/// Image-to-image with the built-in model: where it starts, what progress counts, that it
/// depends on the image and the strength, and that it resumes bit for bit.
@Suite struct ImageToImageTests {
    /// A smooth colour pattern of `width x height` px.
    static func pattern(width: Int, height: Int) throws -> RGBImage {
        var pixels = [UInt8]()
        pixels.reserveCapacity(3 * width * height)
        for y in 0..<height {
            for x in 0..<width {
                let u = Double(x) / Double(width)
                let v = Double(y) / Double(height)
                pixels.append(UInt8(127.5 + 110 * sin(2 * .pi * (1.2 * u + 0.3 * v))))
                pixels.append(UInt8(127.5 + 100 * cos(2 * .pi * 0.8 * (u - v))))
                pixels.append(UInt8(40 + 170 * v))
            }
        }
        return try RGBImage(width: width, height: height, pixels: pixels)
    }

    static func parameters(_ image: RGBImage, sampler: SamplerKind, strength: Float, steps: Int = 10)
        -> RenderParameters
    {
        RenderParameters(
            prompt: "harbour at dawn", width: image.width, height: image.height, steps: steps, sampler: sampler,
            seed: 77, tiling: .shifted, tileSize: 16, tileOverlap: 4, initImage: ImageDigest.hex(of: image),
            strength: strength)
    }

    @Test(arguments: SamplerKind.allCases)
    func startsAtTheStrengthsStepAndCountsOnlyItsSteps(sampler: SamplerKind) throws {
        BLAS.useSingleThread()
        let image = try Self.pattern(width: 256, height: 192)
        let parameters = Self.parameters(image, sampler: sampler, strength: 0.3)
        let pool = WorkerPool(threadCount: 2)
        defer { pool.shutdown() }
        let renderer = try Renderer(parameters: parameters, pool: pool, initImage: image)
        #expect(renderer.firstStep == 7 && renderer.stepsToRun == 3)
        #expect(renderer.state.step == 7)
        #expect(renderer.state.samplerHistory.nextStep == 7 && renderer.state.samplerHistory.beginStep == 7)
        let reports = Mutex<[RenderProgress]>([])
        try renderer.run { report in reports.withLock { $0.append(report) } }
        let steps = reports.withLock { $0 }.filter { $0.tilesTotal == 0 }
        #expect(steps.map(\.stepsDone) == [1, 2, 3])
        #expect(steps.allSatisfy { $0.stepsTotal == 3 })
        #expect(renderer.isFinished && renderer.state.step == 10)
    }

    /// The start latent is the encoder's sample, then noise from the same generator, mixed by the
    /// sampler's add_noise at the first step (DDIM: sqrt(ᾱ) x + sqrt(1 - ᾱ) noise).
    @Test func theStartLatentIsTheNoisedSampleInDiffusersOrder() throws {
        let image = try Self.pattern(width: 128, height: 64)
        let parameters = Self.parameters(image, sampler: .ddim, strength: 0.75)
        let pool = WorkerPool(threadCount: 1)
        defer { pool.shutdown() }
        let renderer = try Renderer(parameters: parameters, pool: pool, initImage: image)
        #expect(renderer.firstStep == 3)

        let distribution = try image.pixels.withUnsafeBufferPointer { rgb in
            try FieldEncoder().encode(rgb: rgb, width: 128, height: 64, pool: pool)
        }
        var generator = TorchGenerator(seed: 77)
        let sample = distribution.sample(generator: &generator)
        let noise = generator.normal(count: sample.count)
        let alpha = try SamplerKind.ddim.makeSampler(steps: 10).alphaCumprod(step: 3)
        for i in sample.indices {
            let expected = alpha.squareRoot() * Double(sample[i]) + (1 - alpha).squareRoot() * Double(noise[i])
            #expect(abs(Double(renderer.state.latent[i]) - expected) <= 1e-5 * max(1, abs(expected)))
        }
        #expect(renderer.state.generator == generator)
    }

    /// A low strength keeps more of the image than a high one; the image matters at all.
    @Test func lowStrengthsKeepMoreOfTheImage() throws {
        BLAS.useSingleThread()
        let image = try Self.pattern(width: 256, height: 128)
        func distance(strength: Float) throws -> Double {
            let pool = WorkerPool(threadCount: 2)
            defer { pool.shutdown() }
            let renderer = try Renderer(
                parameters: Self.parameters(image, sampler: .dpmpp2m, strength: strength), pool: pool,
                initImage: image)
            try renderer.run()
            let output = try renderer.decodeImage(pool: pool)
            return zip(output.pixels, image.pixels).reduce(0.0) { $0 + abs(Double($1.0) - Double($1.1)) }
                / Double(image.pixels.count)
        }
        let low = try distance(strength: 0.2)
        let high = try distance(strength: 1)
        #expect(low < high, "mean distance to the init image: \(low) at strength 0.2, \(high) at 1")
        #expect(low < 25, "strength 0.2 keeps the image's colours: mean distance \(low)")
    }

    @Test(arguments: [SamplerKind.dpmpp2m, .eulerAncestral, .ddim, .euler])
    func aResumedRenderIsBitIdentical(sampler: SamplerKind) throws {
        BLAS.useSingleThread()
        let image = try Self.pattern(width: 256, height: 192)
        let parameters = Self.parameters(image, sampler: sampler, strength: 0.75)
        let pool = WorkerPool(threadCount: 2)
        defer { pool.shutdown() }
        let uninterrupted = try Renderer(parameters: parameters, pool: pool, initImage: image)
        try uninterrupted.run()

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "mosaic-img2img-resume-\(UUID().uuidString)"
        ).path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = CheckpointStore(directory: directory, faults: .none)
        let first = try Renderer(parameters: parameters, pool: pool, initImage: image)
        try store.write(first.state, parametersHash: parameters.checkpointHash, plan: first.plan)
        for _ in 0..<3 {
            try first.step()
            try store.write(first.state, parametersHash: parameters.checkpointHash, plan: first.plan)
        }
        let (checkpoint, notes) = store.loadNewestValid(parametersHash: parameters.checkpointHash)
        #expect(notes.isEmpty)
        let loaded = try #require(checkpoint)
        #expect(loaded.state.step == first.firstStep + 3)

        // Resumed on one thread, without the image: the checkpoint holds all it needs.
        let single = WorkerPool(threadCount: 1)
        defer { single.shutdown() }
        let resumed = try Renderer(parameters: parameters, catalog: .builtIn, pool: single, state: loaded.state)
        try resumed.run()
        #expect(CheckpointResumeTests.sameBits(resumed.state, uninterrupted.state))
    }

    @Test func theOutputsMetadataNamesTheInitImageAndStrength() throws {
        let image = try Self.pattern(width: 64, height: 64)
        let pool = WorkerPool(threadCount: 1)
        defer { pool.shutdown() }
        let parameters = Self.parameters(image, sampler: .euler, strength: 0.5)
        let renderer = try Renderer(parameters: parameters, pool: pool, initImage: image)
        let parsed = try RenderMetadata.parse(renderer.metadata.json())
        #expect(parsed.initImage == ImageDigest.hex(of: image) && parsed.strength == 0.5)
        var textToImage = parameters
        textToImage.initImage = nil
        textToImage.strength = 1
        let json = try Renderer(parameters: textToImage, pool: pool).metadata.json()
        #expect(!json.contains("init_image") && !json.contains("strength"))
    }

    @Test func theInitImageMustBeTheOneTheParametersName() throws {
        let image = try Self.pattern(width: 128, height: 64)
        let parameters = Self.parameters(image, sampler: .euler, strength: 0.5)
        let pool = WorkerPool(threadCount: 1)
        defer { pool.shutdown() }
        func initImageError(_ body: () throws -> Void) -> String? {
            do {
                try body()
                return nil
            } catch {
                guard case .initImage(let message) = error as? RenderError else { return "wrong error: \(error)" }
                return message
            }
        }
        #expect(
            initImageError { _ = try Renderer(parameters: parameters, pool: pool) }?.contains("none was given") == true)
        var other = image
        other.withUnsafeMutablePixels { $0[0] ^= 1 }
        #expect(
            initImageError { _ = try Renderer(parameters: parameters, pool: pool, initImage: other) }?
                .contains("digest") == true)
        let small = try Self.pattern(width: 64, height: 64)
        #expect(
            initImageError { _ = try Renderer(parameters: parameters, pool: pool, initImage: small) }?
                .contains("64x64 px") == true)
        var textToImage = parameters
        textToImage.initImage = nil
        textToImage.strength = 1
        #expect(
            initImageError { _ = try Renderer(parameters: textToImage, pool: pool, initImage: image) }?
                .contains("name none") == true)
    }
}
