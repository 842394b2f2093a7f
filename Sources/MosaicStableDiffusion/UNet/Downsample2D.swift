import MosaicTensor

/// diffusers' `Downsample2D` with `use_conv=True, padding=1`: a 3x3 stride-2 convolution (`conv`).
///
/// Reference: diffusers 0.42.1 `src/diffusers/models/downsampling.py`.
struct Downsample2D: Sendable {
    let conv: Conv2dLayer

    /// Loads `conv` over `channels` channels.
    init(_ weights: any WeightSource, channels: Int, policy: WeightPrecisionPolicy) throws(ModelLoadError) {
        conv = try Conv2dLayer(
            weights.scoped("conv."), in: channels, out: channels, kernel: 3, stride: 2, padding: 1,
            policy: policy)
    }

    /// `[B, C, H, W]` → `[B, C, ceil(H/2), ceil(W/2)]`.
    func callAsFunction(_ x: Tensor, context: ComputeContext) -> Tensor { conv(x, context: context) }
}
