import MosaicTensor

/// Decodes a latent of any size tile by tile, with memory bounded by the tile size, in one of
/// two modes (the names of the Tiled VAE extension, multidiffusion-upscaler):
///
/// - exact (``VAEGroupNormScope/exact`` with ``VAEAttentionScope/wholeImage``): the same result
///   as one whole-image decode (to float rounding). Every GroupNorm's statistics are gathered
///   over the whole image: for norm `k`, each tile runs up to `k` and contributes the sums of
///   `x` and `x²` of the pixels it owns, added in tile order; the mid attention gathers every
///   owned pixel's keys and values. Nothing else is kept between runs, so each run recomputes
///   the network up to its stopping point: several whole decodes' arithmetic (``VAEFLOPs``).
/// - fast (``VAEGroupNormScope/fast``): a reduced copy of the latent (at most one tile) runs
///   once and fixes every norm's statistics, then every tile runs exactly once: about one
///   untiled decode plus one tile, and all tiles normalise alike, so they agree in colour.
///
/// In both, each tile computes only the pixels its owned output depends on (shrinking halos,
/// ``VAETileExtents``): the halo around a tile is the decoder's receptive radius at the input
/// and falls to zero at the output.
///
/// Reference: the whole-image decode of diffusers 0.42.1 `src/diffusers/models/autoencoders/vae.py`
/// (`Decoder`).
public struct TiledVAEDecoder: Sendable {
    /// The autoencoder.
    public let vae: AutoencoderKL
    /// Side of the owned part of a tile, in latent pixels.
    public let tileSize: Int
    /// The GroupNorms' scope.
    public let groupNormScope: VAEGroupNormScope
    /// The attention's scope.
    public let attentionScope: VAEAttentionScope
    /// At most this many tiles decode at once, each on a pool thread with single-threaded
    /// kernels (the activations of one tile each); the result does not depend on it.
    public let maxConcurrentTiles: Int

    /// A tiled decoder with `tileSize`-pixel tiles.
    public init(
        vae: AutoencoderKL, tileSize: Int = 64, groupNormScope: VAEGroupNormScope = .exact,
        attentionScope: VAEAttentionScope = .wholeImage, maxConcurrentTiles: Int = .max
    ) throws(VAEError) {
        guard tileSize > 0 else { throw .invalidTileSize(tileSize) }
        self.vae = vae
        self.tileSize = tileSize
        self.groupNormScope = groupNormScope
        self.attentionScope = attentionScope
        self.maxConcurrentTiles = max(1, maxConcurrentTiles)
    }

    /// How far (in latent pixels, rounded up) a latent pixel's influence spreads through the
    /// decoder's convolutions: the margin a tile decodes around its owned latent pixels.
    public var halo: Int { Self.receptiveRadius(vae.decoder.operations) }

    /// One pixel per 3x3 convolution at its resolution, in latent pixels, rounded up.
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

    /// The tiles of a `height x width` latent, with stable indices.
    public func plan(height: Int, width: Int) -> [VAETile] {
        VAETile.plan(height: height, width: width, tile: tileSize)
    }

    /// The image `[1, out_channels, 8h, 8w]` of an unscaled latent `[1, latent_channels, h, w]`.
    public func decode(_ latent: Tensor, pool: WorkerPool? = nil) throws(VAEError) -> Tensor {
        let (_, _, height, width) = latent.nchw
        let scale = outputScale
        var image = Tensor(zeros: [1, vae.config.outChannels, height * scale, width * scale])
        try image.scalars.withUnsafeMutableBufferPointer { buffer throws(VAEError) in
            let target = SendablePointer(buffer.baseAddress)
            try decode(latent, pool: pool) { tile, pixels in
                VAETileCopy.place(
                    pixels, of: tile, scale: scale, into: target, height: height * scale, width: width * scale)
            }
        }
        return image
    }

    /// Decodes the tiles of `latent` (`[1, latent_channels, h, w]`, unscaled) whose indices are in
    /// `tiles` (every tile of ``plan(height:width:)`` when `nil`) and hands each tile's owned
    /// pixels (`out_channels x 8·height x 8·width`, channel-major) to `write`, possibly from
    /// several pool threads at once (tiles own disjoint pixels). A tile's pixels are the same
    /// bits whichever tiles a call decodes, so a caller can journal finished tiles and decode
    /// the rest later (the fast mode's reduced pass, one tile's work, runs again in each call).
    public func decode(
        _ latent: Tensor, tiles: Set<Int>? = nil, pool: WorkerPool?,
        write: (_ tile: VAETile, _ pixels: UnsafeBufferPointer<Float>) -> Void
    ) throws(VAEError) {
        guard latent.shape.count == 4, latent.shape[0] == 1, latent.shape[1] == vae.config.latentChannels else {
            throw .invalidInput(shape: latent.shape, expectedChannels: vae.config.latentChannels)
        }
        let run = layout(height: latent.shape[2], width: latent.shape[3])
        try run.finish(
            latent, tiles: tiles, gathered: run.gather(latent, pool: pool), pool: pool, write: write)
    }

    /// The engine's layout for a `height x width` latent.
    func layout(height: Int, width: Int) -> VAETiledRun {
        VAETiledRun(
            runner: vae.decoder,
            sizes: VAESize.sizes(vae.decoder.operations, input: VAESize(height: height, width: width)),
            latentIndex: 0, tiles: plan(height: height, width: width), tileSize: tileSize,
            groupNormScope: groupNormScope, attentionScope: attentionScope, maxConcurrentTiles: maxConcurrentTiles)
    }
}
