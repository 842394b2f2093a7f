import MosaicTensor

/// diffusers' `TimestepEmbedding`: `linear_1`, SiLU, `linear_2`.
///
/// Reference: diffusers 0.42.1 `src/diffusers/models/embeddings.py`.
struct TimestepEmbedding: Sendable {
    let linear1: LinearLayer
    let linear2: LinearLayer

    /// Loads `linear_1` (`in` → `dim`) and `linear_2` (`dim` → `dim`).
    init(_ weights: any WeightSource, in inFeatures: Int, dim: Int, policy: WeightPrecisionPolicy)
        throws(ModelLoadError)
    {
        linear1 = try LinearLayer(weights.scoped("linear_1."), in: inFeatures, out: dim, policy: policy)
        linear2 = try LinearLayer(weights.scoped("linear_2."), in: dim, out: dim, policy: policy)
    }

    /// The embedding of `rows` sinusoidal embeddings.
    func callAsFunction(_ x: [Float], rows: Int, context: ComputeContext) -> [Float] {
        var h = linear1(x, rows: rows, context: context)
        h.withUnsafeMutableBufferPointer { hb in
            if let p = hb.baseAddress { Activation.silu(p, output: p, count: hb.count) }
        }
        return linear2(h, rows: rows, context: context)
    }
}
