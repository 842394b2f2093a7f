import MosaicDiffusion

/// A render's state after a step, with what is needed to trust it on resume: the hash of the
/// parameters it belongs to, the tile plan, and the version of Mosaic that wrote it.
///
/// On disk it is one safetensors file (see ``CheckpointFile``).
public struct Checkpoint: Sendable, Equatable {
    /// The render state: step, latent, sampler history, generator.
    public var state: RenderState
    /// ``RenderParameters/checkpointHash`` of the render's parameters.
    public var parametersHash: String
    /// The tile plan; its canvas gives the latent's height and width.
    public var plan: TilePlan
    /// The Mosaic version that wrote the checkpoint.
    public var mosaicVersion: String

    /// Creates a checkpoint of `state`.
    public init(
        state: RenderState, parametersHash: String, plan: TilePlan, mosaicVersion: String = MosaicVersion.current
    ) {
        self.state = state
        self.parametersHash = parametersHash
        self.plan = plan
        self.mosaicVersion = mosaicVersion
    }

    /// The latent's shape, `[1, channels, height, width]`, or nil when the latent does not fill
    /// a whole number of channels of the plan's canvas.
    public var latentShape: [Int]? {
        let pixels = plan.canvasWidth * plan.canvasHeight
        guard pixels > 0, !state.latent.isEmpty, state.latent.count % pixels == 0 else { return nil }
        return [1, state.latent.count / pixels, plan.canvasHeight, plan.canvasWidth]
    }
}
