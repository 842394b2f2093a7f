import MosaicTensor

/// What every UNet block is given besides its input: the SiLU of the time embedding (what each
/// resnet's `time_emb_proj` sees) and the text encoder states.
struct UNetBlockInputs {
    /// `silu(emb)`, `[batch, timeEmbedDim]`.
    let siluTemb: [Float]
    /// Encoder hidden states `[batch, count, crossDim]` flattened, and `count`.
    let encoder: (states: [Float], count: Int)
    /// Threads.
    let context: ComputeContext
}

/// A down block: returns its output and the states it hands to the up path (one per resnet,
/// plus the downsampler's).
protocol UNetDownBlock: Sendable {
    /// Runs the block.
    func callAsFunction(_ x: Tensor, _ inputs: UNetBlockInputs) -> (Tensor, [Tensor])
}

/// An up block: consumes the skip states last-first, one per resnet.
protocol UNetUpBlock: Sendable {
    /// Number of skip states it consumes.
    var skipCount: Int { get }
    /// Runs the block; `skips` are in the order the down path produced them.
    func callAsFunction(_ x: Tensor, skips: [Tensor], _ inputs: UNetBlockInputs) -> Tensor
}
