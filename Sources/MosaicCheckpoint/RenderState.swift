import MosaicDiffusion

/// Everything a render carries from one step to the next: what a checkpoint saves.
public struct RenderState: Sendable, Codable, Equatable {
    /// The next step to take (equal to the step count once finished).
    public var step: Int
    /// The canvas latent, `channels x latentHeight x latentWidth`.
    public var latent: [Float]
    /// The sampler's memory of earlier steps.
    public var samplerHistory: SamplerHistory
    /// The noise generator, positioned after the noise drawn so far.
    public var generator: TorchGenerator

    /// Creates a state.
    public init(step: Int, latent: [Float], samplerHistory: SamplerHistory, generator: TorchGenerator) {
        self.step = step
        self.latent = latent
        self.samplerHistory = samplerHistory
        self.generator = generator
    }
}
