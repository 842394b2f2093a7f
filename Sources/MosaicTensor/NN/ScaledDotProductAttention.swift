/// Multi-head scaled dot-product attention, `softmax(Q Kᵀ * scale) V` per head, query-chunked.
///
/// Inputs are the projections' row-major outputs with heads side by side, as diffusers keeps them
/// before `head_to_batch_dim`: `query[b, i, h * headDim + d]`. Each (image, head, chunk of queries)
/// multiplies in place through strided `sgemm`s (no head transposes) with a score buffer of
/// `queryChunk x keyCount` floats, so memory stays bounded at 4096 tokens and beyond.
public enum ScaledDotProductAttention {
    /// Default number of queries per score block.
    public static let defaultQueryChunk = 256

    /// `output[b, i, h*dh ..< (h+1)*dh] = softmax(scale * q_i · K_hᵀ) V_h`; `scale` defaults to `1/sqrt(dh)`.
    ///
    /// `query` and `output` are `[batch, queryCount, heads * headDim]`, `key` and `value`
    /// `[batch, keyCount, heads * headDim]`.
    public static func forward(
        query: UnsafePointer<Float>, key: UnsafePointer<Float>, value: UnsafePointer<Float>,
        output: UnsafeMutablePointer<Float>, batch: Int, queryCount: Int, keyCount: Int,
        heads: Int, headDim: Int, scale: Float? = nil, queryChunk: Int = defaultQueryChunk,
        context: ComputeContext
    ) {
        guard batch > 0, queryCount > 0, keyCount > 0, heads > 0 else { return }
        let width = heads * headDim
        let chunk = max(1, min(queryChunk, queryCount))
        let chunks = (queryCount + chunk - 1) / chunk
        let scale = scale ?? 1 / Float(headDim).squareRoot()
        context.parallelFor(batch * heads * chunks) { item in
            let c = item % chunks
            let h = (item / chunks) % heads
            let b = item / (chunks * heads)
            let q0 = c * chunk
            let rows = min(chunk, queryCount - q0)
            let scores = UnsafeMutablePointer<Float>.allocate(capacity: rows * keyCount)
            defer { scores.deallocate() }
            let q = query + (b * queryCount + q0) * width + h * headDim
            let k = key + b * keyCount * width + h * headDim
            let v = value + b * keyCount * width + h * headDim
            let out = output + (b * queryCount + q0) * width + h * headDim
            BLAS.sgemm(
                transposeB: true, m: rows, n: keyCount, k: headDim,
                a: q, lda: width, b: k, ldb: width, c: scores, ldc: keyCount)
            withUnsafeTemporaryAllocation(of: Float.self, capacity: rows) { sums in
                for r in 0..<rows {
                    sums[r] = Softmax.exponentiate(scores + r * keyCount, columns: keyCount, scale: scale)
                }
                BLAS.sgemm(
                    m: rows, n: headDim, k: keyCount, a: scores, lda: keyCount, b: v, ldb: width,
                    c: out, ldc: width)
                // Normalise after the product: headDim values per row instead of keyCount.
                for r in 0..<rows {
                    let inverse = 1 / sums[r]
                    let row = out + r * width
                    for d in 0..<headDim { row[d] *= inverse }
                }
            }
        }
    }
}
