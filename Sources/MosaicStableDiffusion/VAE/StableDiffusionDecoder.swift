import MosaicDiffusion
import MosaicTensor
import Synchronization

/// The SD VAE as the render's ``LatentDecoder``: divides the canvas latent by `scaling_factor`
/// (as `StableDiffusionPipeline` does before `vae.decode`), decodes it tile by tile on the
/// render's pool (exact up to ``exactLimit``, fast above), and converts to 8-bit RGB as diffusers'
/// `VaeImageProcessor` does (`(x / 2 + 0.5).clamp(0, 1)`, then `numpy_to_pil`'s `(x * 255).round()`).
///
/// Reference: diffusers 0.42.1
/// `src/diffusers/pipelines/stable_diffusion/pipeline_stable_diffusion.py` and
/// `src/diffusers/image_processor.py`.
public struct StableDiffusionDecoder: LatentDecoder {
    /// Latents of at most this many pixels (1024x1024 px for SD) decode exactly: equal to one
    /// whole-image decode, at several decodes' arithmetic, which is minutes at this size on a
    /// few cores, and whole-image attention (growing with the square of the pixel count) is
    /// still small. Larger ones decode in fast mode: GroupNorm statistics from a reduced pass,
    /// about 1.1 to 1.2 decodes' arithmetic (``VAEFLOPs``), tiles agreeing in colour.
    public static let exactLimit = 128 * 128
    /// What the mid attention sees in fast mode: the reduced pass's keys and values. With them
    /// and the norms' statistics fixed, a pixel's value no longer depends on the tiling, so tiles
    /// cannot disagree at their edges (tile-local attention differs from tile to tile), and each
    /// tile attends over one tile's pixels instead of its own larger extent.
    public static let fastAttentionScope = VAEAttentionScope.reducedImage

    /// The autoencoder.
    public let vae: AutoencoderKL
    /// Side of a decode tile, in latent pixels.
    public let tileSize: Int

    /// The tile side the renderer decodes with, in latent pixels.
    public static let defaultTileSize = 64
    /// The SD VAE decoder's receptive radius in latent pixels: the halo `TiledVAEDecoder`
    /// computes from its layers for SD 1.x/2.x, for estimates made before the VAE is built.
    public static let sdHalo = 18

    /// Decode tiles run one per pool thread only while their activations together stay within
    /// this many bytes; beyond it (many threads, a wide VAE) fewer tiles run at once than there
    /// are threads, so the decode's memory does not grow with the core count (nor its speed:
    /// SD 1.5 decodes two tiles at a time). Threads inside the kernels would keep every core busy
    /// but change the rounding with the thread count, and a resumed render must give the same bits.
    public static let parallelTileMemoryLimit = 4 << 30

    /// About the activations of one decode tile of a `latentWidth x latentHeight` latent: the
    /// tile (`defaultTileSize` latent px with the receptive halo on every side, or the whole
    /// latent when it fits one tile) at full resolution, six tensors of `channels` (the width of
    /// the decoder's last stage). One SD 1.5 tile of 800x800 px measured 1.6 GiB (`mosaic-bench
    /// vae`), about five such tensors.
    public static func tileActivationBytes(latentWidth: Int, latentHeight: Int, channels: Int, scale: Int) -> Int {
        let tile = defaultTileSize
        let whole = latentWidth <= tile && latentHeight <= tile
        let width = whole ? latentWidth : min(latentWidth, tile + 2 * sdHalo)
        let height = whole ? latentHeight : min(latentHeight, tile + 2 * sdHalo)
        return 6 * channels * width * height * scale * scale * 4
    }

    /// How many tiles of a `latentWidth x latentHeight` latent decode at once (at least one).
    public static func concurrentTiles(latentWidth: Int, latentHeight: Int, channels: Int, scale: Int) -> Int {
        let tile = tileActivationBytes(
            latentWidth: latentWidth, latentHeight: latentHeight, channels: channels, scale: scale)
        return max(1, parallelTileMemoryLimit / max(1, tile))
    }

    /// A decoder over `vae` with tiles of `tileSize` latent pixels.
    public init(vae: AutoencoderKL, tileSize: Int = Self.defaultTileSize) {
        self.vae = vae
        self.tileSize = max(1, tileSize)
    }

    /// Decodes the `latent_channels x height x width` canvas latent (scaled, as the sampler
    /// leaves it) into interleaved RGB (`3 * 64` bytes per latent pixel for SD).
    public func decode(
        latent: UnsafeBufferPointer<Float>, width: Int, height: Int,
        into rgb: UnsafeMutableBufferPointer<UInt8>, pool: WorkerPool
    ) throws {
        let (decoder, scaled) = try prepare(latent: latent, width: width, height: height)
        let scale = decoder.outputScale
        let imageWidth = width * scale
        guard rgb.count == 3 * imageWidth * height * scale else {
            throw VAEError.bufferSize(name: "rgb", expected: 3 * imageWidth * height * scale, actual: rgb.count)
        }
        let target = SendablePointer(rgb.baseAddress)
        try decoder.decode(scaled, pool: pool) { tile, pixels in
            guard let base = target.pointer else { return }
            let columns = tile.width * scale
            for y in 0..<tile.height * scale {
                Self.bytes(
                    of: pixels, row: y, columns: columns, plane: tile.height * scale * columns,
                    into: base + ((tile.top * scale + y) * imageWidth + tile.left * scale) * 3)
            }
        }
    }

    /// The tiled decoder for a `width x height` latent (exact up to ``exactLimit``, fast above)
    /// and the latent divided by `scaling_factor`.
    func prepare(latent: UnsafeBufferPointer<Float>, width: Int, height: Int) throws -> (TiledVAEDecoder, Tensor) {
        let channels = vae.config.latentChannels
        guard vae.config.outChannels == 3 else {
            throw VAEError.invalidInput(shape: [1, vae.config.outChannels], expectedChannels: 3)
        }
        guard latent.count == channels * width * height else {
            throw VAEError.bufferSize(name: "latent", expected: channels * width * height, actual: latent.count)
        }
        let inverse = Float(1 / vae.config.scalingFactor)
        let scaled = try Tensor(shape: [1, channels, height, width], scalars: latent.map { $0 * inverse })
        let exact = width * height <= Self.exactLimit
        let concurrent = Self.concurrentTiles(
            latentWidth: width, latentHeight: height,
            channels: vae.config.blockOutChannels.first ?? 128,
            scale: vae.downsamplingFactor)
        let decoder = try TiledVAEDecoder(
            vae: vae, tileSize: tileSize, groupNormScope: exact ? .exact : .fast,
            attentionScope: exact ? .wholeImage : Self.fastAttentionScope, maxConcurrentTiles: concurrent)
        return (decoder, scaled)
    }

    /// Row `row` of a tile's channel-major pixels (`columns` wide, `plane` per channel) as
    /// interleaved RGB bytes at `target`.
    @inline(__always)
    static func bytes(
        of pixels: UnsafeBufferPointer<Float>, row: Int, columns: Int, plane: Int,
        into target: UnsafeMutablePointer<UInt8>
    ) {
        for x in 0..<columns {
            for c in 0..<3 { target[x * 3 + c] = byte(pixels[c * plane + row * columns + x]) }
        }
    }

    /// One channel value in [-1, 1] as a byte: `round(clamp(x / 2 + 0.5, 0, 1) * 255)`, ties to even as NumPy.
    @inline(__always)
    public static func byte(_ value: Float) -> UInt8 {
        let unit = min(max(value / 2 + 0.5, 0), 1)
        return UInt8((unit * 255).rounded(.toNearestOrEven))
    }
}

extension StableDiffusionDecoder: TiledLatentDecoder {
    /// The tiled VAE's tiles (``defaultTileSize`` latent px), in image pixels.
    public func decodeTiles(width: Int, height: Int) -> [TileRect] {
        let scale = vae.downsamplingFactor
        return VAETile.plan(height: height, width: width, tile: tileSize).map { tile in
            TileRect(x: tile.left * scale, y: tile.top * scale, width: tile.width * scale, height: tile.height * scale)
        }
    }

    public func decode(
        latent: UnsafeBufferPointer<Float>, width: Int, height: Int, tiles indices: [Int], pool: WorkerPool,
        write: @Sendable (_ index: Int, _ rgb: UnsafeBufferPointer<UInt8>) throws -> Void
    ) throws {
        guard !indices.isEmpty else { return }
        let (decoder, scaled) = try prepare(latent: latent, width: width, height: height)
        let scale = decoder.outputScale
        let failure = Mutex<(any Error)?>(nil)
        try decoder.decode(scaled, tiles: Set(indices), pool: pool) { tile, pixels in
            let columns = tile.width * scale
            let rows = tile.height * scale
            var rgb = [UInt8](repeating: 0, count: 3 * rows * columns)
            rgb.withUnsafeMutableBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return }
                for y in 0..<rows {
                    Self.bytes(
                        of: pixels, row: y, columns: columns, plane: rows * columns, into: base + y * columns * 3)
                }
            }
            do { try rgb.withUnsafeBufferPointer { try write(tile.index, $0) } } catch {
                failure.withLock { $0 = $0 ?? error }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
    }
}
