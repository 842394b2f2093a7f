import MosaicTensor

/// diffusers' `Attention` (processor `AttnProcessor`) as SD uses it: bias-free `to_q`, `to_k`,
/// `to_v`, multi-head scaled dot-product attention, `to_out.0` with bias.
///
/// Reference: diffusers 0.42.1 `src/diffusers/models/attention_processor.py` (`Attention`,
/// `AttnProcessor`).
struct Attention: Sendable {
    let heads: Int
    let headDim: Int
    let toQ: LinearLayer
    let toK: LinearLayer
    let toV: LinearLayer
    let toOut: LinearLayer

    /// Loads an attention over `queryDim` features with keys/values from `contextDim` features.
    init(
        _ weights: any WeightSource, queryDim: Int, contextDim: Int, heads: Int, headDim: Int,
        policy: WeightPrecisionPolicy
    ) throws(ModelLoadError) {
        self.heads = heads
        self.headDim = headDim
        let inner = heads * headDim
        toQ = try LinearLayer(weights.scoped("to_q."), in: queryDim, out: inner, hasBias: false, policy: policy)
        toK = try LinearLayer(weights.scoped("to_k."), in: contextDim, out: inner, hasBias: false, policy: policy)
        toV = try LinearLayer(weights.scoped("to_v."), in: contextDim, out: inner, hasBias: false, policy: policy)
        toOut = try LinearLayer(weights.scoped("to_out.0."), in: inner, out: queryDim, policy: policy)
    }

    /// Adds the attention of `x` (`[batch, tokens, queryDim]`) over `encoder` (`[batch, keys, contextDim]`,
    /// or `x` itself when `nil`) to `residual` in place.
    func apply(
        _ x: [Float], batch: Int, tokens: Int, encoder: (states: [Float], count: Int)?,
        residual: inout [Float], context: ComputeContext
    ) {
        let keyCount = encoder?.count ?? tokens
        let source = encoder?.states ?? x
        let inner = heads * headDim
        let q = toQ(x, rows: batch * tokens, context: context)
        let k = toK(source, rows: batch * keyCount, context: context)
        let v = toV(source, rows: batch * keyCount, context: context)
        var attended = [Float](unsafeUninitializedCapacity: batch * tokens * inner) { _, n in n = batch * tokens * inner
        }
        q.withUnsafeBufferPointer { qb in
            k.withUnsafeBufferPointer { kb in
                v.withUnsafeBufferPointer { vb in
                    attended.withUnsafeMutableBufferPointer { ob in
                        guard let qp = qb.baseAddress, let kp = kb.baseAddress, let vp = vb.baseAddress,
                            let op = ob.baseAddress
                        else { return }
                        ScaledDotProductAttention.forward(
                            query: qp, key: kp, value: vp, output: op, batch: batch,
                            queryCount: tokens, keyCount: keyCount, heads: heads, headDim: headDim,
                            context: context)
                    }
                }
            }
        }
        toOut.apply(attended, rows: batch * tokens, into: &residual, accumulate: true, context: context)
    }
}
