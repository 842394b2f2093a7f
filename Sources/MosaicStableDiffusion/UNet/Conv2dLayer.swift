import MosaicTensor

/// `torch.nn.Conv2d` with diffusers' names `weight` and `bias`.
///
/// Reference: PyTorch 2.15.0 `torch/nn/modules/conv.py`.
struct Conv2dLayer: Sendable {
    /// Channels, kernel, stride and padding.
    let geometry: Conv2DGeometry
    /// `[out, in, kh, kw]`.
    let weight: LayerWeight
    /// `[out]`.
    let bias: [Float]

    /// Loads `weight` and `bias` from `weights` for `geometry`.
    init(_ weights: any WeightSource, geometry: Conv2DGeometry, policy: WeightPrecisionPolicy) throws(ModelLoadError) {
        self.geometry = geometry
        weight = try LayerWeight(
            weights, "weight",
            shape: [
                geometry.outChannels, geometry.inChannels,
                geometry.kernelHeight, geometry.kernelWidth,
            ], policy: policy)
        bias = try UNetParameters.vector(weights, "bias", count: geometry.outChannels)
    }

    /// Loads a square `kernel` convolution (stride, symmetric padding).
    init(
        _ weights: any WeightSource, in inChannels: Int, out outChannels: Int, kernel: Int, stride: Int = 1,
        padding: Int = 0, policy: WeightPrecisionPolicy
    ) throws(ModelLoadError) {
        try self.init(
            weights,
            geometry: Conv2DGeometry(
                inChannels: inChannels, outChannels: outChannels,
                kernel: kernel, stride: stride, padding: padding), policy: policy)
    }

    /// The convolution of `x` `[B, in, H, W]`; `extraBias[b * out + o]` is added per image when given
    /// (a fused time-embedding projection).
    func callAsFunction(_ x: Tensor, extraBias: [Float]? = nil, context: ComputeContext) -> Tensor {
        let (batch, _, h, w) = x.nchw
        var out = Tensor.uninitialized([batch, geometry.outChannels, geometry.outputHeight(h), geometry.outputWidth(w)])
        apply(x, into: &out, accumulate: false, extraBias: extraBias, context: context)
        return out
    }

    /// Writes (or with `accumulate` adds) the convolution of `x` into `out`.
    func apply(
        _ x: Tensor, into out: inout Tensor, accumulate: Bool, extraBias: [Float]? = nil, context: ComputeContext
    ) {
        let (batch, _, h, w) = x.nchw
        let outImage = out.count / max(batch, 1)
        let inImage = x.count / max(batch, 1)
        let g = geometry
        weight.withFloats(context: context) { wp in
            x.scalars.withUnsafeBufferPointer { xb in
                out.scalars.withUnsafeMutableBufferPointer { ob in
                    guard let xp = xb.baseAddress, let op = ob.baseAddress else { return }
                    if let extraBias {
                        for b in 0..<batch {
                            let combined = (0..<g.outChannels).map { bias[$0] + extraBias[b * g.outChannels + $0] }
                            combined.withUnsafeBufferPointer { cb in
                                Conv2D.forward(
                                    xp + b * inImage, batch: 1, height: h, width: w, geometry: g, weight: wp,
                                    bias: cb.baseAddress, output: op + b * outImage, accumulate: accumulate,
                                    context: context)
                            }
                        }
                    } else {
                        bias.withUnsafeBufferPointer { bb in
                            Conv2D.forward(
                                xp, batch: batch, height: h, width: w, geometry: g, weight: wp,
                                bias: bb.baseAddress, output: op, accumulate: accumulate, context: context)
                        }
                    }
                }
            }
        }
    }
}
