/// A source of standard normal noise for stochastic (ancestral) samplers.
///
/// A sampler that needs fresh noise at a step asks for the whole sample buffer in a single
/// `fillNormal` call, exactly as diffusers calls `randn_tensor(model_output.shape,
/// generator=...)` once per step; a generator that reproduces `torch.randn` element for
/// element therefore reproduces diffusers' trajectory. Samplers that need no noise never
/// call it.
public protocol NoiseSource {
    /// Fills `buffer` with independent N(0, 1) samples, advancing the source's state.
    mutating func fillNormal(_ buffer: UnsafeMutableBufferPointer<Float>)
}
