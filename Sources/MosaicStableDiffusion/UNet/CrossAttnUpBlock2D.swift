import MosaicTensor

/// diffusers' `CrossAttnUpBlock2D`: (concatenate a skip, resnet, transformer) per layer, then an
/// optional upsampler.
///
/// Reference: diffusers 0.42.1 `src/diffusers/models/unets/unet_2d_blocks.py`.
struct CrossAttnUpBlock2D: UNetUpBlock {
    let resnets: [ResnetBlock2D]
    let attentions: [Transformer2DModel]
    let upsampler: Upsample2D?

    /// Loads `resnets.i`, `attentions.i` and `upsamplers.0` with diffusers' channel arithmetic:
    /// resnet `i` takes `(i == 0 ? prevOut : out) + (i == layers - 1 ? in : out)` channels.
    init(
        _ weights: any WeightSource, in inChannels: Int, prevOut: Int, out outChannels: Int, layers: Int, temb: Int,
        heads: Int, transformerLayers: Int, crossDim: Int, groups: Int, eps: Float, linearProjection: Bool,
        addUpsample: Bool, policy: WeightPrecisionPolicy
    ) throws(ModelLoadError) {
        var resnets: [ResnetBlock2D] = []
        var attentions: [Transformer2DModel] = []
        for i in 0..<layers {
            let skip = i == layers - 1 ? inChannels : outChannels
            let base = i == 0 ? prevOut : outChannels
            resnets.append(
                try ResnetBlock2D(
                    weights.scoped("resnets.\(i)."), in: base + skip, out: outChannels,
                    temb: temb, groups: groups, eps: eps, policy: policy))
            attentions.append(
                try Transformer2DModel(
                    weights.scoped("attentions.\(i)."), channels: outChannels, heads: heads,
                    layers: transformerLayers, crossDim: crossDim, groups: groups,
                    linearProjection: linearProjection, policy: policy))
        }
        self.resnets = resnets
        self.attentions = attentions
        upsampler =
            addUpsample ? try Upsample2D(weights.scoped("upsamplers.0."), channels: outChannels, policy: policy) : nil
    }

    var skipCount: Int { resnets.count }

    func callAsFunction(_ x: Tensor, skips: [Tensor], _ inputs: UNetBlockInputs) -> Tensor {
        var h = x
        for (i, (resnet, attention)) in zip(resnets, attentions).enumerated() {
            h = Tensor.concatenateChannels(h, skips[skips.count - 1 - i])
            h = resnet(h, siluTemb: inputs.siluTemb, context: inputs.context)
            h = attention(h, encoder: inputs.encoder, context: inputs.context)
        }
        if let upsampler { h = upsampler(h, context: inputs.context) }
        return h
    }
}
