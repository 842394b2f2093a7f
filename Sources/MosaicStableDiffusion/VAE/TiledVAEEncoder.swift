import MosaicTensor

/// Encodes an image of any size tile by tile (diffusers' `Encoder` and `quant_conv`) into the
/// moments of a ``DiagonalGaussianDistribution``, with memory bounded by the tile size, in the
/// two modes of ``TiledVAEDecoder``: exact (equal to ``AutoencoderKL/encode(_:context:)``, each
/// GroupNorm and the mid attention gathered over the whole image) and fast (statistics from a
/// reduced copy of the image, every tile encoded once).
///
/// Tiles own disjoint latent pixels (`tileSize` latent pixels, 8 times that in image pixels);
/// each tile reads the image pixels its owned latent pixels depend on and computes, at every
/// step, only what the rest of the encoder still needs (``VAETileExtents``).
///
/// Reference: diffusers 0.42.1 `src/diffusers/models/autoencoders/vae.py` (`Encoder`) and
/// `autoencoder_kl.py` (`encode`).
public struct TiledVAEEncoder: Sendable {
    /// The autoencoder.
    public let vae: AutoencoderKL
    /// Side of the owned part of a tile, in latent pixels.
    public let tileSize: Int
    /// The GroupNorms' scope.
    public let groupNormScope: VAEGroupNormScope
    /// The attention's scope.
    public let attentionScope: VAEAttentionScope
    /// At most this many tiles encode at once; the result does not depend on it.
    public let maxConcurrentTiles: Int

    /// A tiled encoder with tiles of `tileSize` latent pixels.
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

    /// The tiles of an `height x width` image (sides multiples of 8), in latent pixels, with stable indices.
    public func plan(height: Int, width: Int) -> [VAETile] {
        let factor = vae.downsamplingFactor
        return VAETile.plan(height: height / factor, width: width / factor, tile: tileSize)
    }

    /// `vae.encode(image).latent_dist` of an image `[1, in_channels, H, W]` in [-1, 1] (sides multiples of 8).
    public func encode(_ image: Tensor, pool: WorkerPool? = nil) throws(VAEError) -> DiagonalGaussianDistribution {
        try validate(image)
        let factor = vae.downsamplingFactor
        let (height, width) = (image.shape[2] / factor, image.shape[3] / factor)
        var moments = Tensor(zeros: [1, 2 * vae.config.latentChannels, height, width])
        try moments.scalars.withUnsafeMutableBufferPointer { buffer throws(VAEError) in
            let target = SendablePointer(buffer.baseAddress)
            try encode(image, pool: pool) { tile, pixels in
                VAETileCopy.place(pixels, of: tile, scale: 1, into: target, height: height, width: width)
            }
        }
        return DiagonalGaussianDistribution(moments: moments)
    }

    /// Encodes the tiles of `image` whose indices are in `tiles` (every tile of
    /// ``plan(height:width:)`` when `nil`) and hands each tile's owned moments
    /// (`2·latent_channels x height x width`, channel-major: the means, then the log-variances
    /// before clamping) to `write`, possibly from several pool threads at once. A tile's moments
    /// are the same bits whichever tiles a call encodes.
    public func encode(
        _ image: Tensor, tiles: Set<Int>? = nil, pool: WorkerPool?,
        write: (_ tile: VAETile, _ moments: UnsafeBufferPointer<Float>) -> Void
    ) throws(VAEError) {
        try validate(image)
        let run = layout(height: image.shape[2], width: image.shape[3])
        try run.finish(
            image, tiles: tiles, gathered: run.gather(image, pool: pool), pool: pool, write: write)
    }

    /// Checks the shape: one image, `in_channels`, sides multiples of the downsampling factor.
    func validate(_ image: Tensor) throws(VAEError) {
        guard image.shape.count == 4, image.shape[0] == 1, image.shape[1] == vae.config.inChannels else {
            throw .invalidInput(shape: image.shape, expectedChannels: vae.config.inChannels)
        }
        let factor = vae.downsamplingFactor
        guard image.shape[2] % factor == 0, image.shape[3] % factor == 0 else {
            throw .invalidImageSize(height: image.shape[2], width: image.shape[3], multiple: factor)
        }
    }

    /// The engine's layout for a `height x width` image.
    func layout(height: Int, width: Int) -> VAETiledRun {
        let operations = vae.encoder.operations
        return VAETiledRun(
            runner: vae.encoder,
            sizes: VAESize.sizes(operations, input: VAESize(height: height, width: width)),
            latentIndex: operations.count, tiles: plan(height: height, width: width), tileSize: tileSize,
            groupNormScope: groupNormScope, attentionScope: attentionScope, maxConcurrentTiles: maxConcurrentTiles)
    }
}
