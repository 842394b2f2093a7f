import MosaicTensor

/// diffusers' `DownBlock2D`: resnets, then an optional downsampler.
///
/// Reference: diffusers 0.42.1 `src/diffusers/models/unets/unet_2d_blocks.py`.
struct DownBlock2D: UNetDownBlock {
    let resnets: [ResnetBlock2D]
    let downsampler: Downsample2D?

    /// Loads `resnets.i` and `downsamplers.0`.
    init(
        _ weights: any WeightSource, in inChannels: Int, out outChannels: Int, layers: Int, temb: Int,
        groups: Int, eps: Float, addDownsample: Bool, policy: WeightPrecisionPolicy
    ) throws(ModelLoadError) {
        var resnets: [ResnetBlock2D] = []
        for i in 0..<layers {
            resnets.append(
                try ResnetBlock2D(
                    weights.scoped("resnets.\(i)."), in: i == 0 ? inChannels : outChannels,
                    out: outChannels, temb: temb, groups: groups, eps: eps, policy: policy))
        }
        self.resnets = resnets
        downsampler =
            addDownsample
            ? try Downsample2D(weights.scoped("downsamplers.0."), channels: outChannels, policy: policy) : nil
    }

    func callAsFunction(_ x: Tensor, _ inputs: UNetBlockInputs) -> (Tensor, [Tensor]) {
        var h = x
        var states: [Tensor] = []
        for resnet in resnets {
            h = resnet(h, siluTemb: inputs.siluTemb, context: inputs.context)
            states.append(h)
        }
        if let downsampler {
            h = downsampler(h, context: inputs.context)
            states.append(h)
        }
        return (h, states)
    }
}
