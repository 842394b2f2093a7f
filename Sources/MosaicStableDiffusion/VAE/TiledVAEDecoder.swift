import MosaicTensor
import Synchronization

/// Decodes a latent of any size tile by tile with the same result as one whole-image decode
/// (to float rounding), with memory bounded by the tile size.
///
/// Two things couple distant pixels in the SD decoder, and both are gathered over the whole
/// image (the "exact" mode of the multidiffusion-upscaler tiled VAE):
/// - every GroupNorm: for norm `k`, each tile is decoded up to `k` (every earlier norm using
///   its whole-image statistics) and contributes the sums of `x` and `x²` of the pixels it owns;
///   the sums are added in tile order, and later runs normalise with the merged mean/variance;
/// - the mid block's attention (with ``AttentionScope/wholeImage``): each tile contributes the
///   keys and values of the pixels it owns, and every tile's queries attend over all of them.
/// Nothing else is kept between runs, so each run recomputes the network up to its stopping
/// point: the price of bounded memory is about one decode per gathering point, each stopping
/// earlier (about 30 norms in the SD decoder: roughly 10 to 15 times an untiled decode's
/// arithmetic, plus the halo overlap). The halo defaults to the decoder's receptive radius (in
/// latent pixels; 18 for SD), so the owned pixels of every tile see exactly their real
/// neighbours. Whole-image attention keeps keys and values for every latent pixel
/// (`2 * 512` floats each in SD: 4 GiB at 8192x8192) and costs O(pixels²); use ``AttentionScope/tile``
/// for very large images (each tile attends within itself, as diffusers' own tiled decode does).
///
/// Reference: the whole-image decode of diffusers 0.42.1 `src/diffusers/models/autoencoders/vae.py`
/// (`Decoder`).
public struct TiledVAEDecoder: Sendable {
    /// Which pixels the mid block's attention sees.
    public enum AttentionScope: Sendable {
        /// Every latent pixel of the image (exact).
        case wholeImage
        /// Only the tile's own pixels, halo included (bounded memory; an approximation).
        case tile
    }

    /// Over which pixels each GroupNorm computes its statistics.
    public enum GroupNormScope: Sendable {
        /// The whole image, gathered across tiles (exact).
        case wholeImage
        /// Each tile on its own, halo included: what a plain tiled decode does (tiles disagree in colour).
        case tile
    }

    /// The autoencoder.
    public let vae: AutoencoderKL
    /// Side of the owned part of a tile, in latent pixels.
    public let tileSize: Int
    /// Latent pixels decoded around each tile.
    public let halo: Int
    /// The attention's scope.
    public let attentionScope: AttentionScope
    /// The GroupNorms' scope.
    public let groupNormScope: GroupNormScope
    /// At most this many tiles decode at once, each on a pool thread with single-threaded
    /// kernels (the activations of one tile each); the result does not depend on it.
    public let maxConcurrentTiles: Int

    /// A tiled decoder with `tileSize`-pixel tiles and `halo` (default: the decoder's receptive radius).
    public init(
        vae: AutoencoderKL, tileSize: Int = 64, halo: Int? = nil, attentionScope: AttentionScope = .wholeImage,
        groupNormScope: GroupNormScope = .wholeImage, maxConcurrentTiles: Int = .max
    ) throws(VAEError) {
        guard tileSize > 0 else { throw .invalidTileSize(tileSize) }
        self.vae = vae
        self.tileSize = tileSize
        self.halo = max(0, halo ?? Self.receptiveRadius(vae.decoder.operations))
        self.attentionScope = attentionScope
        self.groupNormScope = groupNormScope
        self.maxConcurrentTiles = max(1, maxConcurrentTiles)
    }

    /// How far (in latent pixels, rounded up) a latent pixel's influence spreads through the
    /// decoder's convolutions: one pixel per 3x3 convolution at its resolution.
    static func receptiveRadius(_ operations: [VAEOperation]) -> Int {
        var scale = 1
        var radius = 0.0
        for operation in operations {
            if case .upsample = operation { scale *= 2 }
            radius += Double(operation.radius) / Double(scale)
        }
        return Int(radius.rounded(.up))
    }

    /// Image pixels per latent pixel.
    public var outputScale: Int {
        vae.decoder.operations.reduce(1) { scale, operation in
            if case .upsample = operation { return scale * 2 }
            return scale
        }
    }

    /// The image `[1, out_channels, 8h, 8w]` of an unscaled latent `[1, latent_channels, h, w]`.
    public func decode(_ latent: Tensor, pool: WorkerPool? = nil) throws(VAEError) -> Tensor {
        let (_, _, height, width) = latent.nchw
        let scale = outputScale
        let channels = vae.config.outChannels
        var image = Tensor(zeros: [1, channels, height * scale, width * scale])
        let imageWidth = width * scale
        let imagePlane = height * scale * imageWidth
        try image.scalars.withUnsafeMutableBufferPointer { buffer throws(VAEError) in
            let target = SendablePointer(buffer.baseAddress)
            try decode(latent, pool: pool) { tile, pixels in
                guard let base = target.pointer else { return }
                let rows = tile.height * scale
                let columns = tile.width * scale
                for c in 0..<channels {
                    for y in 0..<rows {
                        let dst = base + c * imagePlane + (tile.top * scale + y) * imageWidth + tile.left * scale
                        for x in 0..<columns { dst[x] = pixels[(c * rows + y) * columns + x] }
                    }
                }
            }
        }
        return image
    }

    /// Decodes `latent` (`[1, latent_channels, h, w]`, unscaled) and hands each tile's owned
    /// pixels (`out_channels x 8·height x 8·width`, channel-major) to `write`, possibly from
    /// several pool threads at once (tiles own disjoint pixels).
    public func decode(
        _ latent: Tensor, pool: WorkerPool?,
        write: (_ tile: VAEDecodeTile, _ pixels: UnsafeBufferPointer<Float>) -> Void
    ) throws(VAEError) {
        guard latent.shape.count == 4, latent.shape[0] == 1, latent.shape[1] == vae.config.latentChannels else {
            throw .invalidInput(shape: latent.shape, expectedChannels: vae.config.latentChannels)
        }
        let (_, _, height, width) = latent.nchw
        let tiles = VAEDecodeTile.plan(height: height, width: width, tile: tileSize, halo: halo)
        let runner = vae.decoder
        let scale = outputScale
        var gathered = VAEGathered()
        // One tile sees the whole latent: its own statistics and pixels are the whole image's.
        for point in tiles.count > 1 ? gatheringPoints() : [] {
            let results = forEachTile(tiles, pool: pool) { tile, context in
                runner.run(latent.crop(tile), gathered: gathered, stopAt: point, region: tile.region, context: context)
            }
            merge(results, at: point, tiles: tiles, latentWidth: width, into: &gathered)
        }
        let finished = gathered
        let finishedTiles = forEachTile(tiles, pool: pool) { tile, context -> Bool in
            let result = runner.run(latent.crop(tile), gathered: finished, region: tile.region, context: context)
            guard let output = result.output else { return false }
            let owned = output.crop(rows: tile.region.rows(scale: scale), columns: tile.region.columns(scale: scale))
            owned.scalars.withUnsafeBufferPointer { write(tile, $0) }
            return true
        }
        guard finishedTiles.allSatisfy({ $0 }) else { throw .incompleteRun(operations: runner.operations.count) }
    }

    /// Indices of the operations whose inputs are gathered over the whole image.
    func gatheringPoints() -> [Int] {
        vae.decoder.operations.indices.filter { index in
            switch vae.decoder.operations[index] {
            case .groupNorm: return groupNormScope == .wholeImage
            case .attention: return attentionScope == .wholeImage
            default: return false
            }
        }
    }

    /// Runs `body` for every tile, over the pool's threads (single-threaded kernels, at most
    /// ``maxConcurrentTiles`` at once) when there is more than one tile, else with the pool inside
    /// the kernels; results in tile order.
    func forEachTile<Result>(
        _ tiles: [VAEDecodeTile], pool: WorkerPool?,
        _ body: (VAEDecodeTile, ComputeContext) -> Result
    ) -> [Result] {
        guard let pool, tiles.count > 1 else {
            let context = ComputeContext(pool: pool)
            return tiles.map { body($0, context) }
        }
        var results = [Result?](repeating: nil, count: tiles.count)
        let workers = min(pool.threadCount, maxConcurrentTiles, tiles.count)
        results.withUnsafeMutableBufferPointer { slots in
            let target = SendablePointer(slots.baseAddress)
            if workers == pool.threadCount {
                pool.run(count: tiles.count) { index, _ in
                    target.pointer?[index] = body(tiles[index], .serial)
                }
            } else {
                // Fewer tiles in flight than threads: each of `workers` items takes tiles in turn.
                let next = Atomic(0)
                pool.run(count: workers) { _, _ in
                    while case let index = next.add(1, ordering: .relaxed).oldValue, index < tiles.count {
                        target.pointer?[index] = body(tiles[index], .serial)
                    }
                }
            }
        }
        return results.compactMap { $0 }
    }

    /// Adds the tiles' contributions at `point`, in tile order, to `gathered`.
    func merge(
        _ results: [VAERunResult], at point: Int, tiles: [VAEDecodeTile], latentWidth: Int,
        into gathered: inout VAEGathered
    ) {
        var statistics: GroupNormStatistics?
        var keysValues: AttentionKeysValues?
        for (tile, result) in zip(tiles, results) {
            switch result {
            case .statistics(let part):
                statistics = statistics.map { $0 + part } ?? part
            case .keysValues(let keys, let values, let scale):
                let channels =
                    tile.height * tile.width * scale * scale > 0
                    ? keys.count / (tile.height * tile.width * scale * scale) : 0
                let rowLength = latentWidth * scale
                if keysValues == nil {
                    let total = tiles.reduce(0) { $0 + $1.height * $1.width } * scale * scale
                    keysValues = AttentionKeysValues(
                        keys: [Float](repeating: 0, count: total * channels),
                        values: [Float](repeating: 0, count: total * channels), count: total)
                }
                let columns = tile.width * scale
                for r in 0..<(tile.height * scale) {
                    for c in 0..<columns {
                        let source = (r * columns + c) * channels
                        let target = ((tile.top * scale + r) * rowLength + tile.left * scale + c) * channels
                        for k in 0..<channels {
                            keysValues?.keys[target + k] = keys[source + k]
                            keysValues?.values[target + k] = values[source + k]
                        }
                    }
                }
            case .output:
                continue
            }
        }
        if let statistics { gathered.statistics[point] = statistics }
        if let keysValues { gathered.keysValues[point] = keysValues }
    }
}

/// A raw pointer handed to pool threads that write disjoint parts of one buffer.
struct SendablePointer<Element>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Element>?
    init(_ pointer: UnsafeMutablePointer<Element>?) { self.pointer = pointer }
}
