import MosaicTestSupport
import Testing

@testable import MosaicTensor

/// Naive row-major reference for `C = alpha op(A) op(B) + beta C`, in double precision.
func naiveGEMM(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
    a: [Float], b: [Float], beta: Float, c: [Float]
) -> [Float] {
    var out = c
    for i in 0..<m {
        for j in 0..<n {
            var sum = 0.0
            for p in 0..<k {
                let av = transposeA ? a[p * m + i] : a[i * k + p]
                let bv = transposeB ? b[j * k + p] : b[p * n + j]
                sum += Double(av) * Double(bv)
            }
            out[i * n + j] = Float(Double(alpha) * sum + Double(beta) * Double(c[i * n + j]))
        }
    }
    return out
}

@Suite struct BLASTests {
    @Test(arguments: [(1, 1, 1), (3, 5, 7), (16, 16, 16), (33, 17, 65), (64, 128, 96), (7, 200, 3)])
    func sgemmMatchesNaiveReference(shape: (Int, Int, Int)) {
        let (m, n, k) = shape
        var rng = SeededGenerator(seed: UInt64(m * 10_000 + n * 100 + k))
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            let a = rng.floats(m * k)
            let b = rng.floats(k * n)
            let c0 = rng.floats(m * n)
            let alpha: Float = 0.75
            let beta: Float = -0.5
            var c = c0
            a.withUnsafeBufferPointer { ap in
                b.withUnsafeBufferPointer { bp in
                    c.withUnsafeMutableBufferPointer { cp in
                        BLAS.sgemm(
                            transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: alpha,
                            a: ap.baseAddress!, lda: ta ? m : k,
                            b: bp.baseAddress!, ldb: tb ? k : n,
                            beta: beta, c: cp.baseAddress!, ldc: n)
                    }
                }
            }
            let reference = naiveGEMM(
                transposeA: ta, transposeB: tb, m: m, n: n, k: k,
                alpha: alpha, a: a, b: b, beta: beta, c: c0)
            #expect(maxRelativeError(c, reference) < 1e-5, "m=\(m) n=\(n) k=\(k) tA=\(ta) tB=\(tb)")
        }
    }
}
