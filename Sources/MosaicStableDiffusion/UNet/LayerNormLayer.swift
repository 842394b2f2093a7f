import MosaicTensor

/// `torch.nn.LayerNorm(features)` with diffusers' names `weight` and `bias`.
///
/// Reference: PyTorch 2.15.0 `torch/nn/modules/normalization.py`.
struct LayerNormLayer: Sendable {
    /// Normalised features (the last dimension).
    let features: Int
    /// Epsilon added to the variance.
    let eps: Float
    /// Scale.
    let gamma: [Float]
    /// Shift.
    let beta: [Float]

    /// Loads `weight` and `bias`.
    init(_ weights: any WeightSource, features: Int, eps: Float = 1e-5) throws(ModelLoadError) {
        self.features = features
        self.eps = eps
        gamma = try UNetParameters.vector(weights, "weight", count: features)
        beta = try UNetParameters.vector(weights, "bias", count: features)
    }

    /// The normalised rows of `x` (`rows * features` floats).
    func callAsFunction(_ x: [Float], rows: Int, context: ComputeContext) -> [Float] {
        var out = [Float](unsafeUninitializedCapacity: x.count) { _, n in n = x.count }
        x.withUnsafeBufferPointer { xb in
            out.withUnsafeMutableBufferPointer { ob in
                gamma.withUnsafeBufferPointer { gb in
                    beta.withUnsafeBufferPointer { bb in
                        guard let xp = xb.baseAddress, let op = ob.baseAddress else { return }
                        LayerNorm.forward(
                            xp, output: op, rows: rows, features: features, gamma: gb.baseAddress,
                            beta: bb.baseAddress, eps: eps, context: context)
                    }
                }
            }
        }
        return out
    }
}
