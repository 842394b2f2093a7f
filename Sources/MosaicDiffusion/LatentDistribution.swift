/// An encoder's diagonal Gaussian over the latent (diffusers' `latent_dist`), with the factor
/// that turns its samples into the latents the sampler sees (the VAE's `scaling_factor`).
public struct LatentDistribution: Sendable, Equatable {
    /// The mean, `channels x height x width`, before scaling.
    public let mean: [Float]
    /// The standard deviation, the same shape, before scaling (all 0 for a deterministic encoder).
    public let std: [Float]
    /// What a sample is multiplied by (diffusers' `vae.config.scaling_factor`).
    public let scalingFactor: Float

    /// A distribution; `mean` and `std` must have the same count.
    public init(mean: [Float], std: [Float], scalingFactor: Float) throws(LatentEncoderError) {
        guard mean.count == std.count else {
            throw .shapeMismatch(reason: "mean has \(mean.count) values, std \(std.count)")
        }
        self.mean = mean
        self.std = std
        self.scalingFactor = scalingFactor
    }

    /// `scaling_factor * latent_dist.sample(generator)`: one `torch.randn` of the latent's size
    /// from `generator` (drawn even where `std` is 0, so the noise that image-to-image draws
    /// next comes from the same place in the stream for every model), `mean + std * eps`, scaled.
    public func sample(generator: inout TorchGenerator) -> [Float] {
        var values = generator.normal(count: mean.count)
        for i in values.indices {
            let drawn = mean[i] + std[i] * values[i]
            values[i] = drawn * scalingFactor
        }
        return values
    }
}
