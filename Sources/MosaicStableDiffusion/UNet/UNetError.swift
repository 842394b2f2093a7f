/// Why a UNet forward pass refused its inputs; every case gives the shapes involved.
public enum UNetError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `sample` is not `[batch, in_channels, H, W]` with `H` and `W` multiples of `multiple`.
    case invalidSample(shape: [Int], inChannels: Int, multiple: Int)
    /// `encoderHiddenStates` is not `[batch, tokens, cross_attention_dim]`.
    case invalidEncoderHiddenStates(shape: [Int], batch: Int, crossAttentionDim: Int)
    /// The timesteps are neither one value nor one per image.
    case invalidTimesteps(count: Int, batch: Int)

    /// A one-line explanation with the shapes.
    public var description: String {
        switch self {
        case .invalidSample(let shape, let channels, let multiple):
            return
                "UNet sample has shape \(shape), expected [batch, \(channels), H, W] with H and W multiples of \(multiple)"
        case .invalidEncoderHiddenStates(let shape, let batch, let dim):
            return "UNet encoder_hidden_states has shape \(shape), expected [\(batch), tokens, \(dim)]"
        case .invalidTimesteps(let count, let batch):
            return "UNet got \(count) timesteps for a batch of \(batch); give 1 or \(batch)"
        }
    }
}
