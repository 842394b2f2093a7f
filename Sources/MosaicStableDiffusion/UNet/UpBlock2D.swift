import MosaicTensor

/// diffusers' `UpBlock2D`: (concatenate a skip, resnet) per layer, then an optional upsampler.
///
/// Reference: diffusers 0.42.1 `src/diffusers/models/unets/unet_2d_blocks.py`.
struct UpBlock2D: UNetUpBlock {
    let resnets: [ResnetBlock2D]
    let upsampler: Upsample2D?

    /// Loads `resnets.i` and `upsamplers.0` (channels as in `CrossAttnUpBlock2D`).
    init(
        _ weights: any WeightSource, in inChannels: Int, prevOut: Int, out outChannels: Int, layers: Int, temb: Int,
        groups: Int, eps: Float, addUpsample: Bool, policy: WeightPrecisionPolicy
    ) throws(ModelLoadError) {
        var resnets: [ResnetBlock2D] = []
        for i in 0..<layers {
            let skip = i == layers - 1 ? inChannels : outChannels
            let base = i == 0 ? prevOut : outChannels
            resnets.append(
                try ResnetBlock2D(
                    weights.scoped("resnets.\(i)."), in: base + skip, out: outChannels,
                    temb: temb, groups: groups, eps: eps, policy: policy))
        }
        self.resnets = resnets
        upsampler =
            addUpsample ? try Upsample2D(weights.scoped("upsamplers.0."), channels: outChannels, policy: policy) : nil
    }

    var skipCount: Int { resnets.count }

    func callAsFunction(_ x: Tensor, skips: [Tensor], _ inputs: UNetBlockInputs) -> Tensor {
        var h = x
        for (i, resnet) in resnets.enumerated() {
            h = Tensor.concatenateChannels(h, skips[skips.count - 1 - i])
            h = resnet(h, siluTemb: inputs.siluTemb, context: inputs.context)
        }
        if let upsampler { h = upsampler(h, context: inputs.context) }
        return h
    }
}
