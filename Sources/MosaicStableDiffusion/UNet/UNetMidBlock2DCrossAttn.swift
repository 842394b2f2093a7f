import MosaicTensor

/// diffusers' `UNetMidBlock2DCrossAttn`: resnet, then (transformer, resnet) pairs.
///
/// Reference: diffusers 0.42.1 `src/diffusers/models/unets/unet_2d_blocks.py`.
struct UNetMidBlock2DCrossAttn: Sendable {
    let resnets: [ResnetBlock2D]
    let attentions: [Transformer2DModel]

    /// Loads `resnets.0...layers` and `attentions.0..<layers` over `channels` channels.
    init(
        _ weights: any WeightSource, channels: Int, temb: Int, heads: Int, layers: Int = 1, transformerLayers: Int,
        crossDim: Int, groups: Int, eps: Float, linearProjection: Bool, policy: WeightPrecisionPolicy
    ) throws(ModelLoadError) {
        var resnets: [ResnetBlock2D] = []
        var attentions: [Transformer2DModel] = []
        for i in 0...layers {
            resnets.append(
                try ResnetBlock2D(
                    weights.scoped("resnets.\(i)."), in: channels, out: channels, temb: temb,
                    groups: groups, eps: eps, policy: policy))
        }
        for i in 0..<layers {
            attentions.append(
                try Transformer2DModel(
                    weights.scoped("attentions.\(i)."), channels: channels, heads: heads,
                    layers: transformerLayers, crossDim: crossDim, groups: groups,
                    linearProjection: linearProjection, policy: policy))
        }
        self.resnets = resnets
        self.attentions = attentions
    }

    /// Runs the block.
    func callAsFunction(_ x: Tensor, _ inputs: UNetBlockInputs) -> Tensor {
        var h = resnets[0](x, siluTemb: inputs.siluTemb, context: inputs.context)
        for (attention, resnet) in zip(attentions, resnets.dropFirst()) {
            h = attention(h, encoder: inputs.encoder, context: inputs.context)
            h = resnet(h, siluTemb: inputs.siluTemb, context: inputs.context)
        }
        return h
    }
}
