/// Multi-head self-attention under a causal mask (token `i` sees tokens `0...i`), as CLIP's text
/// encoder applies it (`create_causal_mask` plus `softmax(Q Kᵀ * scale) V` per head).
///
/// Rows are softmaxed over their visible prefix only and the masked scores set to exactly zero,
/// which is what adding `-inf` before the softmax gives in PyTorch.
public enum CausalSelfAttention {
    /// `output[b, i, h*dh ..< (h+1)*dh] = softmax(scale * q_i · K_h[0...i]ᵀ) V_h[0...i]`; `scale`
    /// defaults to `1/sqrt(dh)`. All arrays are `[batch, tokens, heads * headDim]`.
    public static func forward(
        query: UnsafePointer<Float>, key: UnsafePointer<Float>, value: UnsafePointer<Float>,
        output: UnsafeMutablePointer<Float>, batch: Int, tokens: Int, heads: Int, headDim: Int,
        scale: Float? = nil, context: ComputeContext
    ) {
        guard batch > 0, tokens > 0, heads > 0 else { return }
        let width = heads * headDim
        let scale = scale ?? 1 / Float(headDim).squareRoot()
        context.parallelFor(batch * heads) { item in
            let h = item % heads
            let b = item / heads
            let scores = UnsafeMutablePointer<Float>.allocate(capacity: tokens * tokens)
            defer { scores.deallocate() }
            let q = query + b * tokens * width + h * headDim
            let k = key + b * tokens * width + h * headDim
            let v = value + b * tokens * width + h * headDim
            BLAS.sgemm(
                transposeB: true, m: tokens, n: tokens, k: headDim,
                a: q, lda: width, b: k, ldb: width, c: scores, ldc: tokens)
            for i in 0..<tokens {
                let row = scores + i * tokens
                Softmax.rows(row, rows: 1, columns: i + 1, stride: tokens, scale: scale)
                if i + 1 < tokens { (row + i + 1).update(repeating: 0, count: tokens - i - 1) }
            }
            BLAS.sgemm(
                m: tokens, n: headDim, k: tokens, a: scores, lda: tokens, b: v, ldb: width,
                c: output + b * tokens * width + h * headDim, ldc: width)
        }
    }
}
