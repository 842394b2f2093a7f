import MosaicTensor

/// diffusers' `BasicTransformerBlock` (SD 1.x/2.x): pre-LayerNorm self-attention, cross-attention
/// over the text encoder states, and a GEGLU feed-forward, each with a residual connection.
///
/// Reference: diffusers 0.42.1 `src/diffusers/models/attention.py`.
struct BasicTransformerBlock: Sendable {
    let norm1: LayerNormLayer
    let attn1: Attention
    let norm2: LayerNormLayer
    let attn2: Attention
    let norm3: LayerNormLayer
    let ff: FeedForward

    /// Loads a block of width `dim` with `heads` heads of `headDim`, cross-attending to `crossDim` features.
    init(
        _ weights: any WeightSource, dim: Int, heads: Int, headDim: Int, crossDim: Int,
        policy: WeightPrecisionPolicy
    ) throws(ModelLoadError) {
        norm1 = try LayerNormLayer(weights.scoped("norm1."), features: dim)
        attn1 = try Attention(
            weights.scoped("attn1."), queryDim: dim, contextDim: dim, heads: heads, headDim: headDim, policy: policy)
        norm2 = try LayerNormLayer(weights.scoped("norm2."), features: dim)
        attn2 = try Attention(
            weights.scoped("attn2."), queryDim: dim, contextDim: crossDim, heads: heads, headDim: headDim,
            policy: policy)
        norm3 = try LayerNormLayer(weights.scoped("norm3."), features: dim)
        ff = try FeedForward(weights.scoped("ff."), dim: dim, policy: policy)
    }

    /// Updates `hidden` (`[batch, tokens, dim]`) in place.
    func apply(
        _ hidden: inout [Float], batch: Int, tokens: Int, encoder: (states: [Float], count: Int),
        context: ComputeContext
    ) {
        let rows = batch * tokens
        attn1.apply(
            norm1(hidden, rows: rows, context: context), batch: batch, tokens: tokens, encoder: nil,
            residual: &hidden, context: context)
        attn2.apply(
            norm2(hidden, rows: rows, context: context), batch: batch, tokens: tokens, encoder: encoder,
            residual: &hidden, context: context)
        ff.apply(norm3(hidden, rows: rows, context: context), rows: rows, residual: &hidden, context: context)
    }
}
