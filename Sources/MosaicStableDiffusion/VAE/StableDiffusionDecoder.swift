import MosaicDiffusion
import MosaicTensor

/// The SD VAE as the render's ``LatentDecoder``: divides the canvas latent by `scaling_factor`
/// (as `StableDiffusionPipeline` does before `vae.decode`), decodes it tile by tile with
/// whole-image GroupNorm statistics on the render's pool, and converts to 8-bit RGB as diffusers'
/// `VaeImageProcessor` does (`(x / 2 + 0.5).clamp(0, 1)`, then `numpy_to_pil`'s `(x * 255).round()`).
public struct StableDiffusionDecoder: LatentDecoder {
    /// Latents of at most this many pixels get whole-image attention (exact); larger ones attend
    /// within each tile, since whole-image attention grows with the square of the pixel count.
    public static let wholeImageAttentionLimit = 128 * 128

    /// The autoencoder.
    public let vae: AutoencoderKL
    /// Side of a decode tile, in latent pixels.
    public let tileSize: Int

    /// The tile side the renderer decodes with, in latent pixels.
    public static let defaultTileSize = 64
    /// The SD VAE decoder's receptive radius in latent pixels: the halo `TiledVAEDecoder`
    /// computes from its layers for SD 1.x/2.x, for estimates made before the VAE is built.
    public static let sdHalo = 18

    /// A decoder over `vae` with tiles of `tileSize` latent pixels.
    public init(vae: AutoencoderKL, tileSize: Int = Self.defaultTileSize) {
        self.vae = vae
        self.tileSize = max(1, tileSize)
    }

    /// Decodes the `latent_channels x height x width` canvas latent (scaled, as the sampler
    /// leaves it) into interleaved RGB (`3 * 64` bytes per latent pixel for SD).
    public func decode(latent: UnsafeBufferPointer<Float>, width: Int, height: Int,
                       into rgb: UnsafeMutableBufferPointer<UInt8>, pool: WorkerPool) throws {
        let channels = vae.config.latentChannels
        guard vae.config.outChannels == 3 else {
            throw VAEError.invalidInput(shape: [1, vae.config.outChannels], expectedChannels: 3)
        }
        guard latent.count == channels * width * height else {
            throw VAEError.bufferSize(name: "latent", expected: channels * width * height, actual: latent.count)
        }
        let inverse = Float(1 / vae.config.scalingFactor)
        let scaled = try Tensor(shape: [1, channels, height, width], scalars: latent.map { $0 * inverse })
        let scope: TiledVAEDecoder.AttentionScope = width * height <= Self.wholeImageAttentionLimit ? .wholeImage : .tile
        let decoder = try TiledVAEDecoder(vae: vae, tileSize: tileSize, attentionScope: scope)
        let scale = decoder.outputScale, imageWidth = width * scale
        guard rgb.count == 3 * imageWidth * height * scale else {
            throw VAEError.bufferSize(name: "rgb", expected: 3 * imageWidth * height * scale, actual: rgb.count)
        }
        let target = SendablePointer(rgb.baseAddress)
        try decoder.decode(scaled, pool: pool) { tile, pixels in
            guard let base = target.pointer else { return }
            let rows = tile.height * scale, columns = tile.width * scale, plane = rows * columns
            for y in 0..<rows {
                let row = base + ((tile.top * scale + y) * imageWidth + tile.left * scale) * 3
                for x in 0..<columns {
                    for c in 0..<3 { row[x * 3 + c] = Self.byte(pixels[c * plane + y * columns + x]) }
                }
            }
        }
    }

    /// One channel value in [-1, 1] as a byte: `round(clamp(x / 2 + 0.5, 0, 1) * 255)`, ties to even as NumPy.
    @inline(__always)
    public static func byte(_ value: Float) -> UInt8 {
        let unit = min(max(value / 2 + 0.5, 0), 1)
        return UInt8((unit * 255).rounded(.toNearestOrEven))
    }
}
