import Foundation
import MosaicTensor
import MosaicTestSupport
import Testing

@testable import MosaicStableDiffusion

/// The tiled encode: exact equals the untiled `AutoencoderKL.encode`; fast runs every tile once
/// with the same bits in any split of the tiles.
@Suite struct TiledVAEEncoderTests {
    /// A `[1, 3, height, width]` image in [-1, 1]: a smooth decoded-looking pattern with noise.
    static func image(height: Int, width: Int, seed: UInt64 = 21) -> Tensor {
        let noise = TiledVAEDecoderTests.latent(height: height, width: width, seed: seed)
        var scalars = [Float](repeating: 0, count: 3 * height * width)
        for c in 0..<3 {
            for y in 0..<height {
                for x in 0..<width {
                    let wave = Foundation.sin(Float(x) / 9 + Float(c)) * Foundation.cos(Float(y) / 13)
                    let value = 0.6 * wave + 0.1 * noise.scalars[(c * height + y) * width + x]
                    scalars[(c * height + y) * width + x] = min(max(value, -1), 1)
                }
            }
        }
        return (try? Tensor(shape: [1, 3, height, width], scalars: scalars)) ?? Tensor(zeros: [1, 3, height, width])
    }

    @Test(arguments: [(64, 320, 8, 2), (96, 256, 5, 1)])
    func exactTiledEqualsUntiled(height: Int, width: Int, tileSize: Int, threads: Int) throws {
        let vae = try AutoencoderKLTests.load("sd1")
        let image = Self.image(height: height, width: width)
        let encoder = try TiledVAEEncoder(vae: vae, tileSize: tileSize)
        let layout = encoder.layout(height: height, width: width)
        #expect(
            layout.tiles.contains { layout.extents($0).rects[0].width < width }, "a tile must see part of the image")
        let whole = try vae.encode(image)
        let pool = WorkerPool(threadCount: threads)
        defer { pool.shutdown() }
        let tiled = try encoder.encode(image, pool: pool)
        #expect(tiled.mean.shape == whole.mean.shape)
        let error = relativeL2(tiled.mean.scalars + tiled.logvar.scalars, whole.mean.scalars + whole.logvar.scalars)
        #expect(error <= 1e-4, "tile \(tileSize): relative L2 \(error)")
    }

    @Test func fastEncodeIsResumableAndCloseToExact() throws {
        let vae = try AutoencoderKLTests.load("sd2")
        let image = Self.image(height: 96, width: 192, seed: 4)
        let encoder = try TiledVAEEncoder(vae: vae, tileSize: 6, groupNormScope: .fast, attentionScope: .reducedImage)
        let plan = encoder.plan(height: 96, width: 192)
        #expect(plan.count == 8)
        let pool = WorkerPool(threadCount: 2)
        defer { pool.shutdown() }
        let whole = try encoder.encode(image, pool: pool)
        var moments = Tensor(zeros: [1, 8, 12, 24])
        try moments.scalars.withUnsafeMutableBufferPointer { buffer in
            let target = SendablePointer(buffer.baseAddress)
            for tiles: Set<Int> in [[1, 2, 6], [0, 3, 4, 5, 7]] {
                try encoder.encode(image, tiles: tiles, pool: nil) { tile, pixels in
                    VAETileCopy.place(pixels, of: tile, scale: 1, into: target, height: 12, width: 24)
                }
            }
        }
        let resumed = DiagonalGaussianDistribution(moments: moments)
        let same = resumed.mean.scalars == whole.mean.scalars && resumed.logvar.scalars == whole.logvar.scalars
        #expect(same, "encoding tiles in two calls changed the bits")
        // Statistics of a reduced copy stand in for the image's own: not equal to the exact
        // encode, and nearer to it the less the copy is reduced (tiles of 12 latent px: half the
        // image's side, against a quarter with 6).
        let exact = try vae.encode(image)
        let error = relativeL2(whole.mean.scalars, exact.mean.scalars)
        let halved = try TiledVAEEncoder(vae: vae, tileSize: 12, groupNormScope: .fast, attentionScope: .reducedImage)
            .encode(image)
        let halvedError = relativeL2(halved.mean.scalars, exact.mean.scalars)
        #expect(
            halvedError > 0 && halvedError < error,
            "fast encode: relative L2 of the mean \(error), halved \(halvedError)")
    }
}
