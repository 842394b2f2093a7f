import MosaicTensor

/// `torch.nn.GroupNorm` (affine) with diffusers' names `weight` and `bias`, optionally followed by SiLU.
///
/// Reference: PyTorch 2.15.0 `torch/nn/modules/normalization.py`.
struct GroupNormLayer: Sendable {
    /// Groups.
    let groups: Int
    /// Channels.
    let channels: Int
    /// Epsilon added to the variance.
    let eps: Float
    /// Scale per channel.
    let gamma: [Float]
    /// Shift per channel.
    let beta: [Float]

    /// Loads `weight` and `bias` of a `channels`-channel norm.
    init(_ weights: any WeightSource, groups: Int, channels: Int, eps: Float) throws(ModelLoadError) {
        self.groups = groups
        self.channels = channels
        self.eps = eps
        gamma = try UNetParameters.vector(weights, "weight", count: channels)
        beta = try UNetParameters.vector(weights, "bias", count: channels)
    }

    /// The normalised `x` (`[B, C, H, W]`), then SiLU when `silu`.
    func callAsFunction(_ x: Tensor, silu: Bool, context: ComputeContext) -> Tensor {
        let (batch, c, h, w) = x.nchw
        var out = Tensor.uninitialized(x.shape)
        x.scalars.withUnsafeBufferPointer { xb in
            out.scalars.withUnsafeMutableBufferPointer { ob in
                gamma.withUnsafeBufferPointer { gb in
                    beta.withUnsafeBufferPointer { bb in
                        guard let xp = xb.baseAddress, let op = ob.baseAddress else { return }
                        GroupNorm.forward(
                            xp, output: op, batch: batch, channels: c, height: h, width: w, groups: groups,
                            eps: eps, gamma: gb.baseAddress, beta: bb.baseAddress, silu: silu, context: context)
                    }
                }
            }
        }
        return out
    }
}
