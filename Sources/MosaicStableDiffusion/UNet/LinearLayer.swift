import MosaicTensor

/// `torch.nn.Linear` with diffusers' names `weight` and (optional) `bias`.
///
/// Reference: PyTorch 2.15.0 `torch/nn/modules/linear.py`.
struct LinearLayer: Sendable {
    /// Input features.
    let inFeatures: Int
    /// Output features.
    let outFeatures: Int
    /// `[out, in]`.
    let weight: LayerWeight
    /// `[out]`, or `nil` for `bias=False` layers (`to_q`, `to_k`, `to_v`).
    let bias: [Float]?

    /// Loads `weight` (and `bias` when `hasBias`).
    init(
        _ weights: any WeightSource, in inFeatures: Int, out outFeatures: Int, hasBias: Bool = true,
        policy: WeightPrecisionPolicy
    ) throws(ModelLoadError) {
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        weight = try LayerWeight(weights, "weight", shape: [outFeatures, inFeatures], policy: policy)
        bias = hasBias ? try UNetParameters.vector(weights, "bias", count: outFeatures) : nil
    }

    /// `x Wᵀ + b` over `rows` rows of `x` (`rows * inFeatures` floats).
    func callAsFunction(_ x: [Float], rows: Int, context: ComputeContext) -> [Float] {
        var out = [Float](unsafeUninitializedCapacity: rows * outFeatures) { _, n in n = rows * outFeatures }
        apply(x, rows: rows, into: &out, accumulate: false, context: context)
        return out
    }

    /// Writes (or with `accumulate` adds) `x Wᵀ + b` into `out` (`rows * outFeatures` floats).
    func apply(_ x: [Float], rows: Int, into out: inout [Float], accumulate: Bool, context: ComputeContext) {
        precondition(
            x.count == rows * inFeatures && out.count == rows * outFeatures,
            "linear \(inFeatures)->\(outFeatures): \(x.count) inputs, \(out.count) outputs for \(rows) rows")
        weight.withFloats(context: context) { wp in
            x.withUnsafeBufferPointer { xb in
                out.withUnsafeMutableBufferPointer { ob in
                    guard let xp = xb.baseAddress, let op = ob.baseAddress else { return }
                    if let bias {
                        bias.withUnsafeBufferPointer { bb in
                            Linear.forward(
                                xp, rows: rows, inFeatures: inFeatures, weight: wp, bias: bb.baseAddress,
                                outFeatures: outFeatures, output: op, accumulate: accumulate, context: context)
                        }
                    } else {
                        Linear.forward(
                            xp, rows: rows, inFeatures: inFeatures, weight: wp, bias: nil,
                            outFeatures: outFeatures, output: op, accumulate: accumulate, context: context)
                    }
                }
            }
        }
    }
}
