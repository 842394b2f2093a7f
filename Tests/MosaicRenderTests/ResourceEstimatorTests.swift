import Foundation
import MosaicDiffusion
import MosaicRender
import MosaicStableDiffusion
import Testing

/// The admission estimate follows the render's structure and the measured encoder costs.
struct ResourceEstimatorTests {
    let estimator = ResourceEstimator(threads: 2)
    let model = MosaicField()

    func estimate(
        _ side: Int, sampler: SamplerKind = .dpmpp2m, tiling: TilingMethod = .overlap,
        lossless: Bool = false
    ) -> ResourceEstimate {
        estimator.estimate(
            RenderParameters(prompt: "x", width: side, height: side, sampler: sampler, tiling: tiling),
            model: model, lossless: lossless)
    }

    @Test func termsFollowTheCanvas() {
        let e = estimate(1024)
        let canvas = 4 * 128 * 128 * 4
        let terms = Dictionary(uniqueKeysWithValues: e.memoryTerms.map { ($0.name, $0.bytes) })
        #expect(terms["latent canvas"] == 2 * canvas + 4 * 128 * 128 * 4)
        #expect(terms["sampler history"] == 2 * canvas)
        #expect(terms["model"] == model.residentMemoryBytes)
        // Overlapping 64-px tiles at stride 48 on 128 px: 3 tiles of 64 per axis.
        #expect(terms["tile outputs and fused canvas"] == 4 * 192 * 192 * 4 + canvas)
        let disk = Dictionary(uniqueKeysWithValues: e.diskTerms.map { ($0.name, $0.bytes) })
        #expect(disk["two checkpoints and the spare"] == 3 * (2 * canvas + 64 << 10))
        #expect(e.diskBytes == e.diskTerms.reduce(0) { $0 + $1.bytes })
    }

    @Test func peakIsHeldPlusTheLargerPhase() {
        let e = estimate(2048)
        let bytes = Dictionary(uniqueKeysWithValues: e.memoryTerms.map { ($0.name, $0.bytes) })
        let held = bytes["model"]! + bytes["latent canvas"]! + bytes["sampler history"]!
        let stepping = bytes["tile outputs and fused canvas"]! + bytes["tile scratch"]! + bytes["checkpoint in flight"]!
        #expect(e.memoryBytes == held + max(stepping, bytes["decode and WebP encoder"]!))
    }

    @Test func growsWithSizeAndCostlierChoices() {
        #expect(estimate(4096).memoryBytes > estimate(2048).memoryBytes)
        #expect(estimate(4096).diskBytes > estimate(2048).diskBytes)
        #expect(estimate(2048, lossless: true).memoryBytes > estimate(2048).memoryBytes)
        #expect(estimate(2048, lossless: true).diskBytes > estimate(2048).diskBytes)
        #expect(estimate(2048, sampler: .dpmpp2m).memoryBytes > estimate(2048, sampler: .ddim).memoryBytes)
        #expect(estimate(2048, tiling: .overlap).diskBytes > estimate(2048, tiling: .shifted).diskBytes)
    }

    @Test func matchesTheMeasuredLosslessPeak() {
        // WebPEncoder's notes: a lossless 8192x8192 encode peaked at 1.5 GiB RSS (2.0 GiB with a
        // slower level). The estimate must cover that without asking for several times more.
        let e = estimate(8192, lossless: true)
        #expect(e.memoryBytes >= 3 << 29 && e.memoryBytes <= 4 << 30, "\(e.memoryBytes)")
        // README, Benchmarks: `mosaicd render` 8192x8192 lossy peaked at 432 MB RSS.
        let lossy = estimate(8192).memoryBytes
        #expect(lossy >= 432_000_000 && lossy <= 2 * 432_000_000, "\(lossy)")
    }

    /// The tiled VAE decode runs one tile per thread while their activations fit the limit: its
    /// scratch grows with the threads up to the tiles there are and to the limit, and a latent of
    /// one tile is decoded whole whatever the threads.
    @Test func stableDiffusionDecodeScratchCountsOneTilePerThreadUpToTheLimit() throws {
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../MosaicStableDiffusionTests/Fixtures/sd1").standardizedFileURL.path
        let sd = try StableDiffusionModel(name: "sd1", path: fixtures)
        let base = 64 << 20
        let channels = sd.checkpoint.vaeConfig.blockOutChannels[0]
        let one = StableDiffusionDecoder.tileActivationBytes(
            latentWidth: 1024, latentHeight: 1024, channels: channels, scale: sd.latentScale)
        let limit = StableDiffusionDecoder.concurrentTiles(
            latentWidth: 1024, latentHeight: 1024, channels: channels, scale: sd.latentScale)
        #expect(one > 0 && limit >= 2)
        #expect(sd.decodeScratchBytes(latentWidth: 1024, latentHeight: 1024, threads: 1) - base == one)
        #expect(sd.decodeScratchBytes(latentWidth: 1024, latentHeight: 1024, threads: 2) - base == 2 * one)
        #expect(sd.decodeScratchBytes(latentWidth: 1024, latentHeight: 1024, threads: limit + 7) - base == limit * one)
        #expect(limit * one <= StableDiffusionDecoder.parallelTileMemoryLimit)
        // 2x1 tiles: at most two decode at once.
        #expect(
            sd.decodeScratchBytes(latentWidth: 128, latentHeight: 64, threads: 16)
                == sd.decodeScratchBytes(latentWidth: 128, latentHeight: 64, threads: 2))
        let whole = sd.decodeScratchBytes(latentWidth: 64, latentHeight: 64, threads: 1)
        #expect(sd.decodeScratchBytes(latentWidth: 64, latentHeight: 64, threads: 8) == whole)
        #expect(whole - base < one, "a whole 64x64 latent has no halo")
        // SD 1.5's VAE (128 channels at full resolution, 800x800 px tiles): two at a time.
        #expect(
            StableDiffusionDecoder.concurrentTiles(latentWidth: 1024, latentHeight: 1024, channels: 128, scale: 8) == 2)
    }
}
