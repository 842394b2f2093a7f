import MosaicTensor

/// diffusers' `FeedForward` with `activation_fn="geglu"`: `net.0.proj` to twice the inner width,
/// GEGLU, `net.2` back (dropout is the identity at inference).
///
/// Reference: diffusers 0.42.1 `src/diffusers/models/attention.py` (`FeedForward`) and
/// `src/diffusers/models/activations.py` (`GEGLU`).
struct FeedForward: Sendable {
    let inner: Int
    let proj: LinearLayer
    let out: LinearLayer

    /// Loads `net.0.proj` and `net.2` for width `dim` (inner width `4 * dim`).
    init(_ weights: any WeightSource, dim: Int, policy: WeightPrecisionPolicy) throws(ModelLoadError) {
        inner = 4 * dim
        proj = try LinearLayer(weights.scoped("net.0.proj."), in: dim, out: 2 * inner, policy: policy)
        out = try LinearLayer(weights.scoped("net.2."), in: inner, out: dim, policy: policy)
    }

    /// Adds the feed-forward of `x` (`rows x dim`) to `residual` in place.
    func apply(_ x: [Float], rows: Int, residual: inout [Float], context: ComputeContext) {
        let projected = proj(x, rows: rows, context: context)
        var gated = [Float](unsafeUninitializedCapacity: rows * inner) { _, n in n = rows * inner }
        projected.withUnsafeBufferPointer { pb in
            gated.withUnsafeMutableBufferPointer { gb in
                guard let pp = pb.baseAddress, let gp = gb.baseAddress else { return }
                Activation.geglu(pp, output: gp, rows: rows, features: inner, context: context)
            }
        }
        out.apply(gated, rows: rows, into: &residual, accumulate: true, context: context)
    }
}
