import MosaicTensor

/// transformers' `CLIPAttention` in the text model: `q_proj`, `k_proj`, `v_proj` and `out_proj`
/// (all with bias), multi-head attention under the causal mask, scale `head_dim^-0.5`.
///
/// Reference: transformers 5.24.0 `src/transformers/models/clip/modeling_clip.py`.
struct CLIPAttention: Sendable {
    let heads: Int
    let headDim: Int
    let qProj: LinearLayer
    let kProj: LinearLayer
    let vProj: LinearLayer
    let outProj: LinearLayer

    /// Loads the four projections of a `hidden`-wide attention with `heads` heads.
    init(_ weights: any WeightSource, hidden: Int, heads: Int, policy: WeightPrecisionPolicy) throws(ModelLoadError) {
        self.heads = heads
        headDim = hidden / heads
        qProj = try LinearLayer(weights.scoped("q_proj."), in: hidden, out: hidden, policy: policy)
        kProj = try LinearLayer(weights.scoped("k_proj."), in: hidden, out: hidden, policy: policy)
        vProj = try LinearLayer(weights.scoped("v_proj."), in: hidden, out: hidden, policy: policy)
        outProj = try LinearLayer(weights.scoped("out_proj."), in: hidden, out: hidden, policy: policy)
    }

    /// Adds the causal self-attention of `x` (`[batch, tokens, hidden]`) to `residual`.
    func apply(_ x: [Float], batch: Int, tokens: Int, residual: inout [Float], context: ComputeContext) {
        let rows = batch * tokens
        let q = qProj(x, rows: rows, context: context)
        let k = kProj(x, rows: rows, context: context)
        let v = vProj(x, rows: rows, context: context)
        var attended = [Float](repeating: 0, count: q.count)
        q.withUnsafeBufferPointer { qb in
            k.withUnsafeBufferPointer { kb in
                v.withUnsafeBufferPointer { vb in
                    attended.withUnsafeMutableBufferPointer { ob in
                        guard let qp = qb.baseAddress, let kp = kb.baseAddress, let vp = vb.baseAddress,
                            let op = ob.baseAddress
                        else { return }
                        CausalSelfAttention.forward(
                            query: qp, key: kp, value: vp, output: op, batch: batch, tokens: tokens,
                            heads: heads, headDim: headDim, context: context)
                    }
                }
            }
        }
        outProj.apply(attended, rows: rows, into: &residual, accumulate: true, context: context)
    }
}
