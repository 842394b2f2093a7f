import MosaicTensor

/// transformers' `CLIPEncoderLayer` (pre-norm): `x += self_attn(layer_norm1(x))`, then
/// `x += mlp(layer_norm2(x))`.
///
/// Reference: transformers 5.24.0 `src/transformers/models/clip/modeling_clip.py`.
struct CLIPEncoderLayer: Sendable {
    let layerNorm1: LayerNormLayer
    let selfAttn: CLIPAttention
    let layerNorm2: LayerNormLayer
    let mlp: CLIPMLP

    /// Loads `layer_norm1`, `self_attn`, `layer_norm2` and `mlp` of one layer.
    init(_ weights: any WeightSource, config: CLIPTextConfig, policy: WeightPrecisionPolicy) throws(ModelLoadError) {
        let hidden = config.hiddenSize
        let eps = Float(config.layerNormEps)
        layerNorm1 = try LayerNormLayer(weights.scoped("layer_norm1."), features: hidden, eps: eps)
        selfAttn = try CLIPAttention(
            weights.scoped("self_attn."), hidden: hidden, heads: config.numAttentionHeads,
            policy: policy)
        layerNorm2 = try LayerNormLayer(weights.scoped("layer_norm2."), features: hidden, eps: eps)
        mlp = try CLIPMLP(
            weights.scoped("mlp."), hidden: hidden, intermediate: config.intermediateSize,
            quickGELU: config.hiddenAct == "quick_gelu", policy: policy)
    }

    /// Runs the layer on `hidden` (`[batch, tokens, hidden_size]`) in place.
    func apply(_ hidden: inout [Float], batch: Int, tokens: Int, context: ComputeContext) {
        let rows = batch * tokens
        let normed1 = layerNorm1(hidden, rows: rows, context: context)
        selfAttn.apply(normed1, batch: batch, tokens: tokens, residual: &hidden, context: context)
        let normed2 = layerNorm2(hidden, rows: rows, context: context)
        mlp.apply(normed2, rows: rows, residual: &hidden, context: context)
    }
}
