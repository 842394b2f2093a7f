import MosaicTensor

/// diffusers' `ResnetBlock2D` as the SD UNet configures it: GroupNorm-SiLU-conv3x3, plus the
/// projected time embedding, GroupNorm-SiLU-conv3x3, plus a 1x1-conv shortcut when channels change.
///
/// The time embedding is folded into `conv1`'s bias per image, and `conv2` accumulates onto the
/// shortcut, so neither costs a pass of its own (`output_scale_factor` is 1 in SD).
///
/// Reference: diffusers 0.42.1 `src/diffusers/models/resnet.py`.
struct ResnetBlock2D: Sendable {
    let norm1: GroupNormLayer
    let conv1: Conv2dLayer
    let timeEmbProj: LinearLayer
    let norm2: GroupNormLayer
    let conv2: Conv2dLayer
    let convShortcut: Conv2dLayer?

    /// Loads `norm1`, `conv1`, `time_emb_proj`, `norm2`, `conv2` and `conv_shortcut` (when `in != out`).
    init(
        _ weights: any WeightSource, in inChannels: Int, out outChannels: Int, temb: Int, groups: Int, eps: Float,
        policy: WeightPrecisionPolicy
    ) throws(ModelLoadError) {
        norm1 = try GroupNormLayer(weights.scoped("norm1."), groups: groups, channels: inChannels, eps: eps)
        conv1 = try Conv2dLayer(
            weights.scoped("conv1."), in: inChannels, out: outChannels, kernel: 3, padding: 1, policy: policy)
        timeEmbProj = try LinearLayer(weights.scoped("time_emb_proj."), in: temb, out: outChannels, policy: policy)
        norm2 = try GroupNormLayer(weights.scoped("norm2."), groups: groups, channels: outChannels, eps: eps)
        conv2 = try Conv2dLayer(
            weights.scoped("conv2."), in: outChannels, out: outChannels, kernel: 3, padding: 1, policy: policy)
        convShortcut =
            inChannels == outChannels
            ? nil
            : try Conv2dLayer(
                weights.scoped("conv_shortcut."), in: inChannels, out: outChannels, kernel: 1, policy: policy)
    }

    /// `x` `[B, in, H, W]`, `siluTemb` = SiLU of the time embedding `[B, temb]` → `[B, out, H, W]`.
    func callAsFunction(_ x: Tensor, siluTemb: [Float], context: ComputeContext) -> Tensor {
        let batch = x.nchw.batch
        let projected = timeEmbProj(siluTemb, rows: batch, context: context)
        var h = norm1(x, silu: true, context: context)
        h = conv1(h, extraBias: projected, context: context)
        h = norm2(h, silu: true, context: context)
        var out = convShortcut.map { $0(x, context: context) } ?? x
        conv2.apply(h, into: &out, accumulate: true, context: context)
        return out
    }
}
