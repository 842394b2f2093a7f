import Foundation
import MosaicTensor
import MosaicTestSupport
import Testing

@testable import MosaicStableDiffusion

/// The tiled decode equals the whole-image decode, on the pool, for tile sizes that do and do
/// not divide the latent; plain per-tile GroupNorm visibly does not.
@Suite struct TiledVAEDecoderTests {
    /// A `[1, 4, height, width]` latent: seeded normal noise plus a left-to-right ramp, so
    /// regions differ in mean (as real images do) and per-tile statistics differ.
    static func latent(height: Int, width: Int, seed: UInt64 = 42) -> Tensor {
        var generator = SeededGenerator(seed: seed)
        // Half a step off zero, so the logarithm of the Box-Muller draw below stays finite.
        func uniform() -> Double { (Double(generator.next() >> 11) + 0.5) / 9_007_199_254_740_992 }
        var scalars = [Float](repeating: 0, count: 4 * height * width)
        for c in 0..<4 {
            for y in 0..<height {
                for x in 0..<width {
                    let normal =
                        (-2 * Foundation.log(uniform())).squareRoot() * Foundation.cos(2 * Double.pi * uniform())
                    let ramp = 3 * Double(x) / Double(max(1, width - 1)) - 1.5
                    scalars[(c * height + y) * width + x] = Float(normal + (c == 0 ? ramp : -0.5 * ramp))
                }
            }
        }
        return (try? Tensor(shape: [1, 4, height, width], scalars: scalars)) ?? Tensor(zeros: [1, 4, height, width])
    }

    @Test func haloIsTheDecodersReceptiveRadius() throws {
        let vae = try AutoencoderKLTests.load("sd1")
        // conv_in + 4 mid convs at 1/1; 3 ResNets (6 convs) per up block at 1, 1/2, 1/4, 1/8;
        // upsampler convs at 1/2, 1/4, 1/8; conv_out at 1/8: 17.25 latent pixels.
        let decoder = try TiledVAEDecoder(vae: vae)
        #expect(decoder.halo == 18)
        // The constant that estimates and plans use before a VAE is built (same layer structure
        // as SD 1.x/2.x: four up blocks of three ResNets).
        #expect(decoder.halo == StableDiffusionDecoder.sdHalo)
        #expect(decoder.outputScale == 8)
    }

    /// Latents wider than a tile plus two halos (18 latent pixels each), so tiles see different
    /// parts of the image and only the gathered statistics can make them agree; neither tile
    /// size divides the latent.
    @Test(arguments: [(8, 48, 10, 2), (12, 40, 8, 1)])
    func tiledEqualsUntiled(height: Int, width: Int, tileSize: Int, threads: Int) throws {
        let vae = try AutoencoderKLTests.load("sd1")
        let latent = Self.latent(height: height, width: width)
        let decoder = try TiledVAEDecoder(vae: vae, tileSize: tileSize)
        let layout = decoder.layout(height: height, width: width)
        #expect(
            layout.tiles.contains { layout.extents($0).rects[0].width < width },
            "some tile must see only part of the latent")
        let whole = try vae.decode(latent)
        let pool = WorkerPool(threadCount: threads)
        defer { pool.shutdown() }
        let tiled = try decoder.decode(latent, pool: pool)
        #expect(tiled.shape == whole.shape)
        let error = relativeL2(tiled.scalars, whole.scalars)
        let worst = zip(tiled.scalars, whole.scalars).map { abs($0 - $1) }.max() ?? 0
        #expect(error <= 1e-5, "tile \(tileSize): relative L2 \(error), max abs \(worst)")
    }

    @Test func tiledResultDoesNotDependOnThreads() throws {
        let vae = try AutoencoderKLTests.load("sd2")
        let latent = Self.latent(height: 8, width: 44, seed: 7)
        let decoder = try TiledVAEDecoder(vae: vae, tileSize: 11)
        let serial = try decoder.decode(latent, pool: nil)
        let pool = WorkerPool(threadCount: 3)
        defer { pool.shutdown() }
        let parallel = try decoder.decode(latent, pool: pool)
        let identical = serial.scalars == parallel.scalars
        #expect(identical, "serial and pooled tiled decodes differ")
        // Fewer tiles at once than threads (how a many-core machine bounds the decode's memory)
        // gives the same bits too.
        for limit in [1, 2] {
            let bounded = try TiledVAEDecoder(vae: vae, tileSize: 11, maxConcurrentTiles: limit).decode(
                latent, pool: pool)
            let same = bounded.scalars == serial.scalars
            #expect(same, "at most \(limit) tiles at once: the decode differs")
        }
    }

    /// Mean of each output channel over each tile's owned pixels.
    static func tileMeans(_ image: Tensor, tiles: [VAETile], scale: Int) -> [[Double]] {
        let (_, channels, height, width) = image.nchw
        return tiles.map { tile in
            (0..<channels).map { c in
                var sum = 0.0
                for y in (tile.top * scale)..<((tile.top + tile.height) * scale) {
                    for x in (tile.left * scale)..<((tile.left + tile.width) * scale) {
                        sum += Double(image.scalars[(c * height + y) * width + x])
                    }
                }
                return sum / Double(tile.height * tile.width * scale * scale)
            }
        }
    }

    @Test func perTileGroupNormChangesTileColoursGatheredDoesNot() throws {
        let vae = try AutoencoderKLTests.load("sd1")
        // Wider than tile + 2 halos, so the end tiles see different parts of the ramp.
        let latent = Self.latent(height: 8, width: 48)
        let whole = try vae.decode(latent)
        let gathered = try TiledVAEDecoder(vae: vae, tileSize: 16).decode(latent)
        let plain = try TiledVAEDecoder(vae: vae, tileSize: 16, groupNormScope: .tile).decode(latent)
        let tiles = VAETile.plan(height: 8, width: 48, tile: 16)
        let reference = Self.tileMeans(whole, tiles: tiles, scale: 8)
        func worstShift(_ image: Tensor) -> Double {
            zip(Self.tileMeans(image, tiles: tiles, scale: 8), reference)
                .flatMap { zip($0, $1).map { abs($0 - $1) } }.max() ?? 0
        }
        // Output is in [-1, 1]: 2/255 of that range is one 8-bit level.
        let level = 2.0 / 255
        #expect(worstShift(plain) > 3 * level, "per-tile GroupNorm moved a tile's mean colour by \(worstShift(plain))")
        #expect(
            worstShift(gathered) < 1e-3 * level, "gathered statistics moved a tile's mean by \(worstShift(gathered))")
    }

    @Test func tilePlanCoversTheLatentOnce() {
        let tiles = VAETile.plan(height: 20, width: 28, tile: 8)
        #expect(tiles.count == 12)
        #expect(tiles.map(\.index) == Array(0..<12))
        var covered = [Int](repeating: 0, count: 20 * 28)
        for tile in tiles {
            for y in tile.top..<(tile.top + tile.height) {
                for x in tile.left..<(tile.left + tile.width) { covered[y * 28 + x] += 1 }
            }
        }
        #expect(covered.allSatisfy { $0 == 1 })
    }
}
