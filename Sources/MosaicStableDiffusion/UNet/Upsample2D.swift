import MosaicTensor

/// diffusers' `Upsample2D` with `use_conv=True`: nearest-neighbour 2x, then a 3x3 convolution (`conv`).
///
/// Reference: diffusers 0.42.1 `src/diffusers/models/upsampling.py`.
struct Upsample2D: Sendable {
    let conv: Conv2dLayer

    /// Loads `conv` over `channels` channels.
    init(_ weights: any WeightSource, channels: Int, policy: WeightPrecisionPolicy) throws(ModelLoadError) {
        conv = try Conv2dLayer(
            weights.scoped("conv."), in: channels, out: channels, kernel: 3, padding: 1, policy: policy)
    }

    /// `[B, C, H, W]` → `[B, C, 2H, 2W]`.
    func callAsFunction(_ x: Tensor, context: ComputeContext) -> Tensor {
        let (batch, c, h, w) = x.nchw
        var up = Tensor.uninitialized([batch, c, 2 * h, 2 * w])
        x.scalars.withUnsafeBufferPointer { xb in
            up.scalars.withUnsafeMutableBufferPointer { ub in
                guard let xp = xb.baseAddress, let upp = ub.baseAddress else { return }
                NearestUpsample2D.forward(xp, planes: batch * c, height: h, width: w, output: upp, context: context)
            }
        }
        return conv(up, context: context)
    }
}
