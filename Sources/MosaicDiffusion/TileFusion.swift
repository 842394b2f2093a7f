import Foundation
import MosaicTensor

/// The sync: fuses every tile's model output into one canvas-sized model output.
///
/// `overlap` takes, for each latent pixel, the weighted average of the outputs of all tiles
/// covering it (the closed-form least-squares solution of MultiDiffusion; with Gaussian weights,
/// Mixture of Diffusers). `shifted` and `none` paste (later tiles win where `none`'s edge tile
/// overlaps its neighbour). Work is split by canvas rows and every pixel sums its tiles in plan
/// order, so the result is bit-identical for any number of threads.
public struct TileFusion: Sendable {
    /// The weighting for `overlap` plans.
    public let weighting: TileWeighting
    /// The Gaussian's standard deviation as a fraction of the tile side.
    public let gaussianSigmaFraction: Float

    /// Creates a fusion rule.
    public init(weighting: TileWeighting = .gaussian, gaussianSigmaFraction: Float = 0.3) {
        self.weighting = weighting
        self.gaussianSigmaFraction = gaussianSigmaFraction
    }

    /// The 1-D weight profile across a tile side of `length` latent pixels.
    public func profile(length: Int) -> [Float] {
        guard weighting == .gaussian else { return [Float](repeating: 1, count: length) }
        let centre = Float(length - 1) / 2
        let sigma = max(gaussianSigmaFraction * Float(length), 1e-3)
        return (0..<length).map { i in
            let d = (Float(i) - centre) / sigma
            return exp(-0.5 * d * d)
        }
    }

    /// Writes the fused output of `tiles` into `canvas` (`channels x height x width`).
    ///
    /// Tile `i`'s output is `channels x tile.height x tile.width` starting at `offsets[i]` in
    /// `outputs`. Every canvas pixel must be covered by at least one tile.
    public func fuse(
        method: TilingMethod, tiles: [TileRect], outputs: UnsafeBufferPointer<Float>, offsets: [Int],
        canvas: UnsafeMutableBufferPointer<Float>, channels: Int, width: Int, height: Int,
        pool: WorkerPool
    ) {
        precondition(canvas.count == channels * width * height, "canvas size mismatch")
        guard let source = outputs.baseAddress, let target = canvas.baseAddress else { return }
        let averaging = method == .overlap
        var profiles: [Int: [Float]] = [:]
        if averaging {
            for tile in tiles {
                if profiles[tile.width] == nil { profiles[tile.width] = profile(length: tile.width) }
                if profiles[tile.height] == nil { profiles[tile.height] = profile(length: tile.height) }
            }
        }
        let plane = width * height
        let normalisers = UnsafeMutablePointer<Float>.allocate(capacity: pool.threadCount * width)
        defer { normalisers.deallocate() }

        pool.run(count: height) { y, worker in
            let covering = tiles.indices.filter { tiles[$0].y <= y && y < tiles[$0].y + tiles[$0].height }
            if !averaging {
                for index in covering {
                    let tile = tiles[index]
                    let row = y - tile.y
                    for c in 0..<channels {
                        (target + c * plane + y * width + tile.x).update(
                            from: source + offsets[index] + (c * tile.height + row) * tile.width,
                            count: tile.width)
                    }
                }
                return
            }
            let norm = normalisers + worker * width
            norm.update(repeating: 0, count: width)
            for c in 0..<channels { (target + c * plane + y * width).update(repeating: 0, count: width) }
            for index in covering {
                let tile = tiles[index]
                let row = y - tile.y
                let rowWeight = profiles[tile.height]?[row] ?? 1
                guard let columnWeights = profiles[tile.width] else { continue }
                for j in 0..<tile.width { norm[tile.x + j] += rowWeight * columnWeights[j] }
                for c in 0..<channels {
                    let out = target + c * plane + y * width + tile.x
                    let tileRow = source + offsets[index] + (c * tile.height + row) * tile.width
                    for j in 0..<tile.width { out[j] += rowWeight * columnWeights[j] * tileRow[j] }
                }
            }
            for c in 0..<channels {
                let out = target + c * plane + y * width
                for x in 0..<width { out[x] /= norm[x] }
            }
        }
    }
}
