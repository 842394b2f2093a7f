import MosaicTensor
import MosaicTestSupport
import Testing

@testable import MosaicStableDiffusion

/// Shrinking halos: a tile reads its receptive field, ends at its owned pixels, and the counted
/// arithmetic of the tiled decode meets the target of issue 20 (fast mode at most 1.3 untiled
/// decodes at 8192x8192 with the full-size SD VAE).
@Suite struct VAETileExtentsTests {
    @Test func extentsShrinkFromTheReceptiveFieldToTheOwnedPixels() throws {
        let vae = try AutoencoderKLTests.load("sd1")
        let decoder = try TiledVAEDecoder(vae: vae, tileSize: 16)
        let layout = decoder.layout(height: 80, width: 80)
        let middle = try #require(layout.tiles.first { $0.top == 32 && $0.left == 32 })
        let extents = layout.extents(middle)
        #expect(extents.rects.last == VAERect(top: 256, left: 256, bottom: 384, right: 384))
        let first = extents.rects[0]
        // 17.25 latent pixels of receptive radius: 17 whole pixels and part of the 18th.
        #expect(32 - first.top == decoder.halo && first.bottom - 48 == decoder.halo, "\(first)")
        #expect(first.left == first.top && first.right == first.bottom)
        // A corner tile pads at the image border as the whole-image decode does.
        let corner = layout.extents(layout.tiles[0])
        #expect(corner.rects[0].top == 0 && corner.rects[0].left == 0)
        // Every tile's owned output together is the image, once.
        let owned = layout.tiles.map { layout.extents($0).rects.last?.area ?? 0 }.reduce(0, +)
        #expect(owned == 640 * 640)
    }

    @Test func oneTileCountsAsOneUntiledDecode() throws {
        let vae = try AutoencoderKLTests.load("sd1")
        let decoder = try TiledVAEDecoder(vae: vae, tileSize: 64, groupNormScope: .fast)
        #expect(VAEFLOPs.decode(decoder, height: 40, width: 64) == VAEFLOPs.decode(vae, height: 40, width: 64))
    }

    @Test func fullSizeFastDecodeAt8KIsAtMostOnePointThreeUntiled() throws {
        let config = VAEConfig(blockOutChannels: [128, 256, 512, 512], layersPerBlock: 2)
        let (vae, _) = try RandomWeights.build(dtype: .f16) { w throws(ModelLoadError) in
            try AutoencoderKL(config: config, weights: w)
        }
        // The untiled decode's convolutions alone: its whole-image attention (about 1.1e15
        // multiply-adds at this size, quadratic in the pixels) would flatter the ratio.
        let untiled = VAEFLOPs.decode(vae, height: 1024, width: 1024, attention: false)
        let fast = VAEFLOPs.decode(
            try TiledVAEDecoder(
                vae: vae, tileSize: StableDiffusionDecoder.defaultTileSize, groupNormScope: .fast,
                attentionScope: StableDiffusionDecoder.fastAttentionScope),
            height: 1024, width: 1024)
        #expect(fast <= 1.3 * untiled, "fast tiled decode: \(fast / untiled) untiled decodes")
        #expect(fast > untiled)
    }
}
