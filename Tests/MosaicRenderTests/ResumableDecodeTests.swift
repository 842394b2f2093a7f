import MosaicDiffusion
import MosaicImage
import MosaicRender
import MosaicTensor
import Synchronization
import Testing

/// The decode journals its tiles: a decode that reuses some tiles from an earlier attempt and
/// decodes the rest gives the image of one uninterrupted decode, byte for byte.
@Suite struct ResumableDecodeTests {
    static func finished(width: Int, height: Int, pool: WorkerPool) throws -> Renderer {
        let parameters = RenderParameters(prompt: "a foggy harbour", width: width, height: height, steps: 2, seed: 5)
        let renderer = try Renderer(parameters: parameters, pool: pool)
        try renderer.run()
        return renderer
    }

    @Test func theBuiltInDecoderWorksInFullWidthBandsThatCoverTheImage() throws {
        let tiles = FieldDecoder().decodeTiles(width: 40, height: 70)
        #expect(tiles.count == 3)
        #expect(tiles.map(\.y) == [0, 256, 512] && tiles.allSatisfy { $0.x == 0 && $0.width == 320 })
        #expect(tiles.reduce(0) { $0 + $1.height } == 560)
    }

    @Test(arguments: [1, 2])
    func reusedTilesAndFreshOnesMakeTheUninterruptedImage(threads: Int) throws {
        let pool = WorkerPool(threadCount: threads)
        defer { pool.shutdown() }
        let renderer = try Self.finished(width: 320, height: 1040, pool: pool)
        let outputs = Mutex<[Int: [UInt8]]>([:])
        let progress = Mutex<[Int]>([])
        let whole = try renderer.decodeImage(
            pool: pool, onTileOutput: { index, rgb in outputs.withLock { $0[index] = Array(rgb) } },
            onTile: { done, _ in progress.withLock { $0.append(done) } })
        let tiles = renderer.decodeTiles
        #expect(tiles.count == 5)
        #expect(outputs.withLock { $0.count } == tiles.count)
        #expect(progress.withLock { $0 } == Array(1...tiles.count))
        // As a crash would leave it: tiles 1 and 3 journaled.
        let journaled = outputs.withLock { saved in [1: saved[1] ?? [], 3: saved[3] ?? []] }
        let decodedAgain = Mutex<[Int]>([])
        let resumed = try renderer.decodeImage(
            pool: pool, reuse: journaled, onTileOutput: { index, _ in decodedAgain.withLock { $0.append(index) } })
        #expect(decodedAgain.withLock { $0.sorted() } == [0, 2, 4])
        #expect(resumed == whole)
        // The same latent through the decoder's whole-image path.
        var direct = try RGBImage(width: 320, height: 1040)
        try renderer.state.latent.withUnsafeBufferPointer { latent in
            try direct.withUnsafeMutablePixels { rgb in
                try FieldDecoder().decode(latent: latent, width: 40, height: 130, into: rgb, pool: pool)
            }
        }
        #expect(direct == whole)
    }
}
