import MosaicTensor

/// diffusers' `Transformer2DModel` for continuous inputs: GroupNorm (eps 1e-6), `proj_in` to tokens,
/// `BasicTransformerBlock`s, `proj_out` back to NCHW, plus the input.
///
/// `proj_in`/`proj_out` are 1x1 convolutions (SD 1.x) or linears (`use_linear_projection`, SD 2.x);
/// both are the same product, done here straight between the NCHW planes and the token rows
/// (`sgemm` with transposed operands), so no permute pass is needed either way.
///
/// Reference: diffusers 0.42.1 `src/diffusers/models/transformers/transformer_2d.py`.
struct Transformer2DModel: Sendable {
    let channels: Int
    let inner: Int
    let norm: GroupNormLayer
    let projIn: LayerWeight
    let projInBias: [Float]
    let blocks: [BasicTransformerBlock]
    let projOut: LayerWeight
    let projOutBias: [Float]

    /// Loads a transformer over `channels` channels with `heads` heads of `channels / heads`.
    init(
        _ weights: any WeightSource, channels: Int, heads: Int, layers: Int, crossDim: Int, groups: Int,
        linearProjection: Bool, policy: WeightPrecisionPolicy
    ) throws(ModelLoadError) {
        self.channels = channels
        let headDim = channels / max(heads, 1)
        inner = heads * headDim
        norm = try GroupNormLayer(weights.scoped("norm."), groups: groups, channels: channels, eps: 1e-6)
        let inShape = linearProjection ? [inner, channels] : [inner, channels, 1, 1]
        let outShape = linearProjection ? [channels, inner] : [channels, inner, 1, 1]
        projIn = try LayerWeight(weights, "proj_in.weight", shape: inShape, policy: policy)
        projInBias = try UNetParameters.vector(weights, "proj_in.bias", count: inner)
        var blocks: [BasicTransformerBlock] = []
        for i in 0..<layers {
            blocks.append(
                try BasicTransformerBlock(
                    weights.scoped("transformer_blocks.\(i)."), dim: inner, heads: heads,
                    headDim: headDim, crossDim: crossDim, policy: policy))
        }
        self.blocks = blocks
        projOut = try LayerWeight(weights, "proj_out.weight", shape: outShape, policy: policy)
        projOutBias = try UNetParameters.vector(weights, "proj_out.bias", count: channels)
    }

    /// `x` `[B, C, H, W]` attending to `encoder` (`[B, keys, crossDim]`) → `[B, C, H, W]`.
    func callAsFunction(_ x: Tensor, encoder: (states: [Float], count: Int), context: ComputeContext) -> Tensor {
        let (batch, c, h, w) = x.nchw
        let tokens = h * w
        let normed = norm(x, silu: false, context: context)
        // tokens[b][t, i] = sum_c normed[b][c, t] * W_in[i, c] + bias[i]
        var hidden = [Float](unsafeUninitializedCapacity: batch * tokens * inner) { _, n in n = batch * tokens * inner }
        projIn.withFloats(context: context) { wp in
            normed.scalars.withUnsafeBufferPointer { nb in
                hidden.withUnsafeMutableBufferPointer { hb in
                    projInBias.withUnsafeBufferPointer { bb in
                        guard let np = nb.baseAddress, let hp = hb.baseAddress, let bp = bb.baseAddress else { return }
                        for b in 0..<batch {
                            let out = hp + b * tokens * inner
                            for t in 0..<tokens { (out + t * inner).update(from: bp, count: inner) }
                            ParallelGEMM.sgemm(
                                transposeA: true, transposeB: true, m: tokens, n: inner, k: c,
                                a: np + b * c * tokens, lda: tokens, b: wp, ldb: c,
                                beta: 1, c: out, ldc: inner, context: context)
                        }
                    }
                }
            }
        }
        for block in blocks { block.apply(&hidden, batch: batch, tokens: tokens, encoder: encoder, context: context) }
        // out[b][c, t] = x[b][c, t] + bias[c] + sum_i W_out[c, i] * tokens[b][t, i]
        var out = x
        projOut.withFloats(context: context) { wp in
            hidden.withUnsafeBufferPointer { hb in
                out.scalars.withUnsafeMutableBufferPointer { ob in
                    guard let hp = hb.baseAddress, let op = ob.baseAddress else { return }
                    for b in 0..<batch {
                        let plane = op + b * c * tokens
                        for ch in 0..<c {
                            let row = plane + ch * tokens
                            let bias = projOutBias[ch]
                            for t in 0..<tokens { row[t] += bias }
                        }
                        ParallelGEMM.sgemm(
                            transposeB: true, m: c, n: tokens, k: inner, a: wp, lda: inner,
                            b: hp + b * tokens * inner, ldb: inner, beta: 1, c: plane, ldc: tokens,
                            context: context)
                    }
                }
            }
        }
        return out
    }
}
