import MosaicTensor

/// diffusers' `CrossAttnDownBlock2D`: (resnet, transformer) pairs, then an optional downsampler.
///
/// Reference: diffusers 0.42.1 `src/diffusers/models/unets/unet_2d_blocks.py`.
struct CrossAttnDownBlock2D: UNetDownBlock {
    let resnets: [ResnetBlock2D]
    let attentions: [Transformer2DModel]
    let downsampler: Downsample2D?

    /// Loads `resnets.i`, `attentions.i` and `downsamplers.0`.
    init(
        _ weights: any WeightSource, in inChannels: Int, out outChannels: Int, layers: Int, temb: Int,
        heads: Int, transformerLayers: Int, crossDim: Int, groups: Int, eps: Float, linearProjection: Bool,
        addDownsample: Bool, policy: WeightPrecisionPolicy
    ) throws(ModelLoadError) {
        var resnets: [ResnetBlock2D] = []
        var attentions: [Transformer2DModel] = []
        for i in 0..<layers {
            resnets.append(
                try ResnetBlock2D(
                    weights.scoped("resnets.\(i)."), in: i == 0 ? inChannels : outChannels,
                    out: outChannels, temb: temb, groups: groups, eps: eps, policy: policy))
            attentions.append(
                try Transformer2DModel(
                    weights.scoped("attentions.\(i)."), channels: outChannels, heads: heads,
                    layers: transformerLayers, crossDim: crossDim, groups: groups,
                    linearProjection: linearProjection, policy: policy))
        }
        self.resnets = resnets
        self.attentions = attentions
        downsampler =
            addDownsample
            ? try Downsample2D(weights.scoped("downsamplers.0."), channels: outChannels, policy: policy) : nil
    }

    func callAsFunction(_ x: Tensor, _ inputs: UNetBlockInputs) -> (Tensor, [Tensor]) {
        var h = x
        var states: [Tensor] = []
        for (resnet, attention) in zip(resnets, attentions) {
            h = resnet(h, siluTemb: inputs.siluTemb, context: inputs.context)
            h = attention(h, encoder: inputs.encoder, context: inputs.context)
            states.append(h)
        }
        if let downsampler {
            h = downsampler(h, context: inputs.context)
            states.append(h)
        }
        return (h, states)
    }
}
