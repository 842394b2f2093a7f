import MosaicTensor

/// diffusers' `AutoencoderKL` (the SD 1.x/2.x VAE): `encode` to a diagonal Gaussian over
/// latents, `decode` from latents to an image in [-1, 1] (roughly; it is not clamped).
///
/// Like diffusers' `vae.decode`/`vae.encode`, neither side applies `scaling_factor`: the
/// pipeline divides latents by it before decoding (`StableDiffusionDecoder` does that) and
/// multiplies encoded latents by it.
///
/// Reference: diffusers 0.42.1 `src/diffusers/models/autoencoders/autoencoder_kl.py`.
public struct AutoencoderKL: Sendable {
    /// The configuration (`vae/config.json`).
    public let config: VAEConfig
    /// `post_quant_conv` and the `Decoder`, flattened.
    let decoder: VAEProgramRunner
    /// The `Encoder` and `quant_conv`, flattened.
    let encoder: VAEProgramRunner

    /// Loads both halves from `weights` named as diffusers names them (`decoder.conv_in.weight`, ...).
    public init(config: VAEConfig, weights: any WeightSource, policy: WeightPrecisionPolicy = .stored)
        throws(ModelLoadError)
    {
        guard config.actFn == "silu" else {
            throw .invalidConfig(path: "vae/config.json", reason: "unsupported act_fn '\(config.actFn)'")
        }
        guard !config.blockOutChannels.isEmpty, config.normNumGroups > 0,
            config.blockOutChannels.allSatisfy({ $0 % config.normNumGroups == 0 })
        else {
            throw .invalidConfig(
                path: "vae/config.json",
                reason:
                    "block_out_channels \(config.blockOutChannels) must be multiples of norm_num_groups \(config.normNumGroups)"
            )
        }
        self.config = config
        decoder = VAEProgramRunner(
            operations: try VAEProgramBuilder.decoder(config: config, weights: weights, policy: policy))
        encoder = VAEProgramRunner(
            operations: try VAEProgramBuilder.encoder(config: config, weights: weights, policy: policy))
    }

    /// Image pixels per latent pixel along each axis (8 for SD).
    public var downsamplingFactor: Int { 1 << (config.blockOutChannels.count - 1) }

    /// `vae.decode(z).sample`: `[batch, out_channels, 8h, 8w]` for unscaled latents `[batch, latent_channels, h, w]`.
    public func decode(_ latents: Tensor, context: ComputeContext = .serial) throws(VAEError) -> Tensor {
        guard latents.shape.count == 4, latents.shape[1] == config.latentChannels else {
            throw .invalidInput(shape: latents.shape, expectedChannels: config.latentChannels)
        }
        guard let image = decoder.run(latents, context: context).output else {
            throw .incompleteRun(operations: decoder.operations.count)
        }
        return image
    }

    /// `vae.encode(x).latent_dist` for images `[batch, in_channels, H, W]` in [-1, 1], sides multiples of 8.
    public func encode(_ images: Tensor, context: ComputeContext = .serial) throws(VAEError)
        -> DiagonalGaussianDistribution
    {
        guard images.shape.count == 4, images.shape[1] == config.inChannels else {
            throw .invalidInput(shape: images.shape, expectedChannels: config.inChannels)
        }
        let factor = downsamplingFactor
        guard images.shape[2] % factor == 0, images.shape[3] % factor == 0 else {
            throw .invalidImageSize(height: images.shape[2], width: images.shape[3], multiple: factor)
        }
        guard let moments = encoder.run(images, context: context).output else {
            throw .incompleteRun(operations: encoder.operations.count)
        }
        return DiagonalGaussianDistribution(moments: moments)
    }
}
