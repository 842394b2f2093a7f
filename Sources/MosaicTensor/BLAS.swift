import COpenBLAS

/// Matrix products over OpenBLAS's `cblas_sgemm`, row-major.
///
/// Mosaic parallelises over tiles on threads of its own, so each call runs single-threaded
/// inside OpenBLAS (`useSingleThread()` once at start-up); two threads fighting over two
/// cores would only slow both down.
public enum BLAS {
    /// Tells OpenBLAS to use one thread per call; the caller parallelises above it.
    public static func useSingleThread() {
        openblas_set_num_threads(1)
    }

    /// The number of threads OpenBLAS currently uses per call.
    public static var threadCount: Int { Int(openblas_get_num_threads()) }

    /// `C = alpha * op(A) * op(B) + beta * C` for row-major matrices.
    ///
    /// `op(A)` is `m x k`, `op(B)` is `k x n`, `C` is `m x n`; `lda`, `ldb`, `ldc` are row strides.
    @inlinable
    public static func sgemm(
        transposeA: Bool = false, transposeB: Bool = false,
        m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(
            CblasRowMajor,
            transposeA ? CblasTrans : CblasNoTrans,
            transposeB ? CblasTrans : CblasNoTrans,
            blasint(m), blasint(n), blasint(k),
            alpha, a, blasint(lda), b, blasint(ldb),
            beta, c, blasint(ldc))
    }
}
