import Foundation
import MosaicImage
import MosaicTensor
import MosaicTestSupport
import Testing

@testable import MosaicStableDiffusion

/// The fast tiled decode: statistics from a reduced pass, every tile once, bits independent of
/// the threads and of which tiles one call decodes, and tiles that agree in colour.
@Suite struct TiledVAEFastTests {
    /// A smooth `[1, 4, height, width]` latent: seeded noise on a coarse grid (every `cell`
    /// pixels), bilinearly interpolated, plus the ramp of ``TiledVAEDecoderTests/latent``.
    static func smoothLatent(height: Int, width: Int, cell: Int = 8, seed: UInt64 = 5) -> Tensor {
        let noise = TiledVAEDecoderTests.latent(height: height / cell + 2, width: width / cell + 2, seed: seed)
        let (gh, gw) = (height / cell + 2, width / cell + 2)
        var scalars = [Float](repeating: 0, count: 4 * height * width)
        for c in 0..<4 {
            for y in 0..<height {
                for x in 0..<width {
                    let fy = Float(y) / Float(cell)
                    let fx = Float(x) / Float(cell)
                    let (y0, x0) = (Int(fy), Int(fx))
                    let (ty, tx) = (fy - Float(y0), fx - Float(x0))
                    func at(_ yy: Int, _ xx: Int) -> Float { noise.scalars[(c * gh + yy) * gw + xx] }
                    let top = at(y0, x0) * (1 - tx) + at(y0, x0 + 1) * tx
                    let bottom = at(y0 + 1, x0) * (1 - tx) + at(y0 + 1, x0 + 1) * tx
                    scalars[(c * height + y) * width + x] = top * (1 - ty) + bottom * ty
                }
            }
        }
        return (try? Tensor(shape: [1, 4, height, width], scalars: scalars)) ?? Tensor(zeros: [1, 4, height, width])
    }

    @Test func resumedDecodeGivesTheSameBits() throws {
        let vae = try AutoencoderKLTests.load("sd1")
        let latent = TiledVAEDecoderTests.latent(height: 24, width: 40, seed: 3)
        let decoder = try TiledVAEDecoder(
            vae: vae, tileSize: 12, groupNormScope: .fast, attentionScope: .reducedImage)
        let plan = decoder.plan(height: 24, width: 40)
        #expect(plan.count == 8)
        let pool = WorkerPool(threadCount: 2)
        defer { pool.shutdown() }
        let whole = try decoder.decode(latent, pool: pool)
        // A crash after some tiles: those were journaled, the rest decode in a second call, on
        // another number of threads.
        var resumed = Tensor(zeros: whole.shape)
        let first: Set<Int> = [0, 3, 5]
        let rest = Set(plan.map(\.index)).subtracting(first)
        var seen: [Int] = []
        let lock = NSLock()
        try resumed.scalars.withUnsafeMutableBufferPointer { buffer in
            let target = SendablePointer(buffer.baseAddress)
            for (tiles, threads) in [(first, 1), (rest, 3)] {
                let callPool = WorkerPool(threadCount: threads)
                defer { callPool.shutdown() }
                try decoder.decode(latent, tiles: tiles, pool: callPool) { tile, pixels in
                    lock.withLock { seen.append(tile.index) }
                    VAETileCopy.place(pixels, of: tile, scale: 8, into: target, height: 192, width: 320)
                }
            }
        }
        #expect(seen.sorted() == plan.map(\.index))
        let same = resumed.scalars == whole.scalars
        #expect(same, "decoding tiles in two calls changed the bits")
    }

    /// With the reduced pass's statistics, keys and values fixed, a pixel's value no longer
    /// depends on the tiling: the tiles equal one whole-image run with the same gathered values.
    @Test(arguments: [VAEAttentionScope.reducedImage])
    func fastTilesEqualOneRunWithTheSameStatistics(attention: VAEAttentionScope) throws {
        let vae = try AutoencoderKLTests.load("sd2")
        let latent = TiledVAEDecoderTests.latent(height: 16, width: 44, seed: 9)
        let decoder = try TiledVAEDecoder(vae: vae, tileSize: 11, groupNormScope: .fast, attentionScope: attention)
        let gathered = decoder.layout(height: 16, width: 44).gather(latent, pool: nil)
        #expect(
            gathered.statistics.count
                == vae.decoder.operations.filter { if case .groupNorm = $0 { true } else { false } }.count)
        let reference = try #require(vae.decoder.run(latent, gathered: gathered, context: .serial).output)
        let tiled = try decoder.decode(latent)
        let error = relativeL2(tiled.scalars, reference.scalars)
        #expect(error <= 1e-5, "relative L2 \(error)")
    }

    /// Seam score (MosaicImage's SeamMetric) on the tile grid of the decode: about 1 when the
    /// tile edges look like any other place of the image. Tiles normalised on their own
    /// (`.tile`) score visibly higher on the same latent.
    @Test func fastTilesAgreeInColour() throws {
        let vae = try AutoencoderKLTests.load("sd1")
        let latent = Self.smoothLatent(height: 48, width: 48)
        func score(_ scope: VAEGroupNormScope, _ attention: VAEAttentionScope) throws -> Double {
            let decoder = try TiledVAEDecoder(vae: vae, tileSize: 16, groupNormScope: scope, attentionScope: attention)
            let image = try Self.rgb(decoder.decode(latent))
            let edges = SeamMetric.gridEdges(extent: 384, tile: 128)
            return try SeamMetric.measure(image, xEdges: edges, yEdges: edges, controlOffset: 64).score
        }
        let fast = try score(.fast, .reducedImage)
        let plain = try score(.tile, .tile)
        #expect(fast <= 1.05, "fast tiled decode: seam score \(fast)")
        #expect(plain > fast, "per-tile norms: seam score \(plain), fast \(fast)")
    }

    /// `[1, 3, H, W]` in [-1, 1] as 8-bit RGB, as `StableDiffusionDecoder` converts it.
    static func rgb(_ image: Tensor) throws -> RGBImage {
        let (_, _, height, width) = image.nchw
        var pixels = [UInt8](repeating: 0, count: 3 * height * width)
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<3 {
                    pixels[(y * width + x) * 3 + c] = StableDiffusionDecoder.byte(
                        image.scalars[(c * height + y) * width + x])
                }
            }
        }
        return try RGBImage(width: width, height: height, pixels: pixels)
    }
}
