import MosaicDiffusion
import MosaicTensor

/// The SD VAE as the render's ``LatentEncoder``: converts 8-bit RGB as diffusers'
/// `VaeImageProcessor.preprocess` does (`x / 255 * 2 - 1`, float32) and runs `vae.encode`;
/// the ``LatentDistribution`` carries `latent_dist`'s mean and std and the VAE's
/// `scaling_factor`, so its `sample` is `StableDiffusionImg2ImgPipeline`'s
/// `scaling_factor * latent_dist.sample(generator)`.
///
/// The encode is tiled (``TiledVAEEncoder``): exact (statistics gathered over the whole image)
/// up to ``StableDiffusionDecoder/exactLimit`` latent pixels, fast above, with memory bounded by
/// the tile. Tiles run one per pool thread with serial kernels, and a single tile on the calling
/// thread, so the kernels' rounding does not depend on the render's thread count.
///
/// Reference: diffusers 0.42.1 `src/diffusers/image_processor.py` and
/// `src/diffusers/pipelines/stable_diffusion/pipeline_stable_diffusion_img2img.py`.
public struct StableDiffusionEncoder: LatentEncoder {
    /// The autoencoder.
    public let vae: AutoencoderKL

    /// An encoder over `vae`.
    public init(vae: AutoencoderKL) { self.vae = vae }

    public func encode(
        rgb: UnsafeBufferPointer<UInt8>, width: Int, height: Int, pool: WorkerPool
    ) throws -> LatentDistribution {
        guard vae.config.inChannels == 3 else {
            throw VAEError.invalidInput(shape: [1, vae.config.inChannels], expectedChannels: 3)
        }
        guard rgb.count == 3 * width * height else {
            throw VAEError.bufferSize(name: "rgb", expected: 3 * width * height, actual: rgb.count)
        }
        let image = try Tensor(
            shape: [1, 3, height, width], scalars: Self.preprocess(rgb, width: width, height: height))
        let distribution = try encodeDistribution(image, pool: pool)
        return try LatentDistribution(
            mean: distribution.mean.scalars, std: distribution.std.scalars,
            scalingFactor: Float(vae.config.scalingFactor))
    }

    /// `vae.encode(image).latent_dist`, tiled.
    func encodeDistribution(_ image: Tensor, pool: WorkerPool) throws -> DiagonalGaussianDistribution {
        let factor = vae.downsamplingFactor
        let latentPixels = (image.shape[2] / factor) * (image.shape[3] / factor)
        let exact = latentPixels <= StableDiffusionDecoder.exactLimit
        let encoder = try TiledVAEEncoder(
            vae: vae, tileSize: StableDiffusionDecoder.defaultTileSize, groupNormScope: exact ? .exact : .fast,
            attentionScope: exact ? .wholeImage : StableDiffusionDecoder.fastAttentionScope)
        let tiles = encoder.plan(height: image.shape[2], width: image.shape[3])
        return try encoder.encode(image, pool: tiles.count > 1 ? pool : nil)
    }

    /// Interleaved bytes to planar `[3, H, W]` in [-1, 1]: numpy's float32 `x / 255.0`, then
    /// `2.0 * x - 1.0`.
    static func preprocess(_ rgb: UnsafeBufferPointer<UInt8>, width: Int, height: Int) -> [Float] {
        let plane = width * height
        var out = [Float](repeating: 0, count: 3 * plane)
        for p in 0..<plane {
            for c in 0..<3 {
                let unit = Float(rgb[3 * p + c]) / 255
                out[c * plane + p] = 2 * unit - 1
            }
        }
        return out
    }
}
