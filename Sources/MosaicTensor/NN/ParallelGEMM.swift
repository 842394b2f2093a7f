/// `BLAS.sgemm` with the output split into row or column panels across a context's threads.
///
/// OpenBLAS runs single-threaded in Mosaic (see `BLAS`), so a big product is split here: along
/// `n` when it is the larger side (each thread packs the shared `A`), otherwise along `m` (each
/// packs only its rows of `A`, which keeps weight traffic flat for small spatial sizes).
public enum ParallelGEMM {
    /// `C = alpha * op(A) * op(B) + beta * C` (row-major, as `BLAS.sgemm`), split over `context`.
    public static func sgemm(
        transposeA: Bool = false, transposeB: Bool = false,
        m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int,
        context: ComputeContext
    ) {
        guard m > 0, n > 0 else { return }
        let threads = context.threadCount
        if threads == 1 || m * n * k < 1 << 20 {
            BLAS.sgemm(
                transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
            return
        }
        if n >= m {
            let chunk = max(16, ((n + threads - 1) / threads + 15) / 16 * 16)
            let pieces = (n + chunk - 1) / chunk
            context.parallelFor(pieces) { piece in
                let j0 = piece * chunk
                let width = min(chunk, n - j0)
                BLAS.sgemm(
                    transposeA: transposeA, transposeB: transposeB, m: m, n: width, k: k, alpha: alpha,
                    a: a, lda: lda, b: transposeB ? b + j0 * ldb : b + j0, ldb: ldb,
                    beta: beta, c: c + j0, ldc: ldc)
            }
        } else {
            let chunk = max(16, ((m + threads - 1) / threads + 15) / 16 * 16)
            let pieces = (m + chunk - 1) / chunk
            context.parallelFor(pieces) { piece in
                let i0 = piece * chunk
                let height = min(chunk, m - i0)
                BLAS.sgemm(
                    transposeA: transposeA, transposeB: transposeB, m: height, n: n, k: k, alpha: alpha,
                    a: transposeA ? a + i0 : a + i0 * lda, lda: lda, b: b, ldb: ldb,
                    beta: beta, c: c + i0 * ldc, ldc: ldc)
            }
        }
    }
}
