import MosaicTensor
import MosaicTestSupport
import Testing

@testable import MosaicDiffusion

@Suite struct TileFusionTests {
    /// Per-pixel reference: weighted mean over covering tiles (overlap) or the last covering tile.
    func naiveFuse(
        _ fusion: TileFusion, method: TilingMethod, tiles: [TileRect], outputs: [Float],
        offsets: [Int], channels: Int, width: Int, height: Int
    ) -> [Float] {
        var canvas = [Float](repeating: 0, count: channels * width * height)
        for c in 0..<channels {
            for y in 0..<height {
                for x in 0..<width {
                    var sum = 0.0
                    var weight = 0.0
                    var last: Float = 0
                    for (i, t) in tiles.enumerated()
                    where t.x <= x && x < t.x + t.width && t.y <= y && y < t.y + t.height {
                        let w = Double(
                            fusion.profile(length: t.height)[y - t.y] * fusion.profile(length: t.width)[x - t.x])
                        let v = outputs[offsets[i] + (c * t.height + y - t.y) * t.width + x - t.x]
                        sum += w * Double(v)
                        weight += w
                        last = v
                    }
                    canvas[(c * height + y) * width + x] = method == .overlap ? Float(sum / weight) : last
                }
            }
        }
        return canvas
    }

    @Test(arguments: TilingMethod.allCases, TileWeighting.allCases)
    func fusionMatchesPerPixelReferenceAndIsThreadCountInvariant(method: TilingMethod, weighting: TileWeighting) throws
    {
        let width = 150
        let height = 90
        let channels = 4
        let plan = try TilePlan(
            method: method, canvasWidth: width, canvasHeight: height, tileSize: 40, overlap: 12, seed: 3)
        let tiles = plan.tiles(step: 2)
        var offsets = [Int]()
        var total = 0
        for t in tiles {
            offsets.append(total)
            total += channels * t.area
        }
        var rng = SeededGenerator(seed: 11)
        let outputs = rng.floats(total)
        let fusion = TileFusion(weighting: weighting)
        var results = [[Float]]()
        for threads in [1, 2, 3] {
            let pool = WorkerPool(threadCount: threads)
            defer { pool.shutdown() }
            var canvas = [Float](repeating: .nan, count: channels * width * height)
            outputs.withUnsafeBufferPointer { o in
                canvas.withUnsafeMutableBufferPointer { c in
                    fusion.fuse(
                        method: method, tiles: tiles, outputs: o, offsets: offsets, canvas: c,
                        channels: channels, width: width, height: height, pool: pool)
                }
            }
            results.append(canvas)
        }
        #expect(results[0] == results[1] && results[1] == results[2])
        let reference = naiveFuse(
            fusion, method: method, tiles: tiles, outputs: outputs, offsets: offsets,
            channels: channels, width: width, height: height)
        #expect(maxRelativeError(results[0], reference) < 1e-5)
    }
}
