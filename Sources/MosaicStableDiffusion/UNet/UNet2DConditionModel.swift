import MosaicTensor

/// diffusers' `UNet2DConditionModel` for the SD 1.x and 2.x configurations, in fp32 over OpenBLAS.
///
/// Weights are read by their diffusers names (a weight's name is its path in the module tree)
/// and kept in their stored precision unless `WeightPrecisionPolicy.cacheFloat32` is chosen.
/// The model holds its weight source, so memory-mapped weights stay mapped while it lives.
///
/// Reference: diffusers 0.42.1 `src/diffusers/models/unets/unet_2d_condition.py`.
public final class UNet2DConditionModel: Sendable {
    /// The configuration the model was built from.
    public let config: UNetConfig
    /// Where the weights live (kept alive for `WeightTensor.bytes`).
    public let weights: any WeightSource
    let timeEmbedding: TimestepEmbedding
    let convIn: Conv2dLayer
    let downBlocks: [any UNetDownBlock]
    let midBlock: UNetMidBlock2DCrossAttn
    let upBlocks: [any UNetUpBlock]
    let convNormOut: GroupNormLayer
    let convOut: Conv2dLayer

    /// Builds the model from `config`, reading every weight from `weights` (shapes checked).
    public init(config: UNetConfig, weights: any WeightSource, policy: WeightPrecisionPolicy = .stored)
        throws(ModelLoadError)
    {
        try config.validate(path: "unet/config.json")
        for channels in config.blockOutChannels where config.normNumGroups <= 0 || channels % config.normNumGroups != 0
        {
            throw .invalidConfig(
                path: "unet/config.json",
                reason:
                    "block_out_channels \(config.blockOutChannels) not divisible by norm_num_groups \(config.normNumGroups)"
            )
        }
        self.config = config
        self.weights = weights
        let channels = config.blockOutChannels
        let heads = config.attentionHeads
        let layers = config.transformerLayers
        let temb = channels[0] * 4
        let groups = config.normNumGroups
        let eps = Float(config.normEps)
        let cross = config.crossAttentionDim
        let linear = config.useLinearProjection
        timeEmbedding = try TimestepEmbedding(
            weights.scoped("time_embedding."), in: channels[0], dim: temb, policy: policy)
        convIn = try Conv2dLayer(
            weights.scoped("conv_in."), in: config.inChannels, out: channels[0], kernel: 3, padding: 1,
            policy: policy)
        var down: [any UNetDownBlock] = []
        var output = channels[0]
        for (i, type) in config.downBlockTypes.enumerated() {
            let input = output
            output = channels[i]
            let last = i == channels.count - 1
            let w = weights.scoped("down_blocks.\(i).")
            if type == "CrossAttnDownBlock2D" {
                down.append(
                    try CrossAttnDownBlock2D(
                        w, in: input, out: output, layers: config.layersPerBlock, temb: temb,
                        heads: heads[i], transformerLayers: layers[i], crossDim: cross,
                        groups: groups, eps: eps, linearProjection: linear,
                        addDownsample: !last, policy: policy))
            } else {
                down.append(
                    try DownBlock2D(
                        w, in: input, out: output, layers: config.layersPerBlock, temb: temb,
                        groups: groups, eps: eps, addDownsample: !last, policy: policy))
            }
        }
        downBlocks = down
        midBlock = try UNetMidBlock2DCrossAttn(
            weights.scoped("mid_block."), channels: channels[channels.count - 1],
            temb: temb, heads: heads[heads.count - 1],
            transformerLayers: layers[layers.count - 1], crossDim: cross,
            groups: groups, eps: eps, linearProjection: linear, policy: policy)
        var up: [any UNetUpBlock] = []
        let reversed = Array(channels.reversed())
        let reversedHeads = Array(heads.reversed())
        let reversedLayers = Array(layers.reversed())
        output = reversed[0]
        for (i, type) in config.upBlockTypes.enumerated() {
            let prevOut = output
            output = reversed[i]
            let input = reversed[min(i + 1, channels.count - 1)]
            let last = i == channels.count - 1
            let w = weights.scoped("up_blocks.\(i).")
            if type == "CrossAttnUpBlock2D" {
                up.append(
                    try CrossAttnUpBlock2D(
                        w, in: input, prevOut: prevOut, out: output, layers: config.layersPerBlock + 1,
                        temb: temb, heads: reversedHeads[i], transformerLayers: reversedLayers[i],
                        crossDim: cross, groups: groups, eps: eps, linearProjection: linear,
                        addUpsample: !last, policy: policy))
            } else {
                up.append(
                    try UpBlock2D(
                        w, in: input, prevOut: prevOut, out: output, layers: config.layersPerBlock + 1,
                        temb: temb, groups: groups, eps: eps, addUpsample: !last, policy: policy))
            }
        }
        upBlocks = up
        convNormOut = try GroupNormLayer(
            weights.scoped("conv_norm_out."), groups: groups, channels: channels[0], eps: eps)
        convOut = try Conv2dLayer(
            weights.scoped("conv_out."), in: channels[0], out: config.outChannels, kernel: 3,
            padding: 1, policy: policy)
    }

    /// The noise prediction for `sample` `[B, in_channels, H, W]` at `timesteps` (one, or one per
    /// image) given `encoderHiddenStates` `[B, tokens, cross_attention_dim]`: `[B, out_channels, H, W]`.
    public func callAsFunction(
        _ sample: Tensor, timesteps: [Float], encoderHiddenStates: Tensor, context: ComputeContext
    ) throws(UNetError) -> Tensor {
        let multiple = 1 << (config.blockOutChannels.count - 1)
        let (batch, channels, h, w) = sample.nchw
        guard sample.shape.count == 4, channels == config.inChannels, batch > 0, h > 0, w > 0,
            h % multiple == 0, w % multiple == 0
        else {
            throw .invalidSample(shape: sample.shape, inChannels: config.inChannels, multiple: multiple)
        }
        let e = encoderHiddenStates.shape
        guard e.count == 3, e[0] == batch, e[2] == config.crossAttentionDim, e[1] > 0 else {
            throw .invalidEncoderHiddenStates(shape: e, batch: batch, crossAttentionDim: config.crossAttentionDim)
        }
        guard timesteps.count == 1 || timesteps.count == batch else {
            throw .invalidTimesteps(count: timesteps.count, batch: batch)
        }
        let steps = timesteps.count == batch ? timesteps : [Float](repeating: timesteps[0], count: batch)
        let projected = SinusoidalTimestepEmbedding.embed(
            steps, dimension: config.blockOutChannels[0], flipSinToCos: config.flipSinToCos,
            downscaleFreqShift: Float(config.freqShift))
        var siluTemb = timeEmbedding(projected, rows: batch, context: context)
        siluTemb.withUnsafeMutableBufferPointer { tb in
            if let p = tb.baseAddress { Activation.silu(p, output: p, count: tb.count) }
        }
        let inputs = UNetBlockInputs(siluTemb: siluTemb, encoder: (encoderHiddenStates.scalars, e[1]), context: context)

        var x = convIn(sample, context: context)
        var skips: [Tensor] = [x]
        for block in downBlocks {
            let (out, states) = block(x, inputs)
            x = out
            skips.append(contentsOf: states)
        }
        x = midBlock(x, inputs)
        for block in upBlocks {
            let taken = Array(skips.suffix(block.skipCount))
            skips.removeLast(block.skipCount)
            x = block(x, skips: taken, inputs)
        }
        x = convNormOut(x, silu: true, context: context)
        return convOut(x, context: context)
    }
}
