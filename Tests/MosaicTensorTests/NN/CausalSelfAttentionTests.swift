import Foundation
import Testing

@testable import MosaicTensor

/// `CausalSelfAttention` against a naive triple loop in double precision.
@Suite struct CausalSelfAttentionTests {
    /// `softmax(q_i · k_j * scale)` over `j <= i`, times `v`, per head, in double precision.
    static func naive(
        _ q: [Float], _ k: [Float], _ v: [Float], batch: Int, tokens: Int, heads: Int,
        headDim: Int
    ) -> [Float] {
        let width = heads * headDim
        let scale = 1 / Double(headDim).squareRoot()
        var out = [Float](repeating: 0, count: batch * tokens * width)
        for b in 0..<batch {
            for h in 0..<heads {
                for i in 0..<tokens {
                    var scores = [Double](repeating: 0, count: i + 1)
                    for j in 0...i {
                        var dot = 0.0
                        for d in 0..<headDim {
                            dot +=
                                Double(q[(b * tokens + i) * width + h * headDim + d])
                                * Double(k[(b * tokens + j) * width + h * headDim + d])
                        }
                        scores[j] = dot * scale
                    }
                    let top = scores.max() ?? 0
                    let e = scores.map { Foundation.exp($0 - top) }
                    let total = e.reduce(0, +)
                    for d in 0..<headDim {
                        var acc = 0.0
                        for j in 0...i { acc += e[j] / total * Double(v[(b * tokens + j) * width + h * headDim + d]) }
                        out[(b * tokens + i) * width + h * headDim + d] = Float(acc)
                    }
                }
            }
        }
        return out
    }

    @Test(arguments: [(1, 1, 1, 4), (2, 7, 2, 8), (1, 77, 3, 16), (3, 13, 1, 5)])
    func matchesNaiveReference(batch: Int, tokens: Int, heads: Int, headDim: Int) {
        var generator = SystemRandomNumberGenerator()
        let count = batch * tokens * heads * headDim
        let q = (0..<count).map { _ in Float.random(in: -2...2, using: &generator) }
        let k = (0..<count).map { _ in Float.random(in: -2...2, using: &generator) }
        let v = (0..<count).map { _ in Float.random(in: -2...2, using: &generator) }
        var out = [Float](repeating: .nan, count: count)
        q.withUnsafeBufferPointer { qb in
            k.withUnsafeBufferPointer { kb in
                v.withUnsafeBufferPointer { vb in
                    out.withUnsafeMutableBufferPointer { ob in
                        CausalSelfAttention.forward(
                            query: qb.baseAddress!, key: kb.baseAddress!, value: vb.baseAddress!,
                            output: ob.baseAddress!, batch: batch, tokens: tokens, heads: heads,
                            headDim: headDim, context: .serial)
                    }
                }
            }
        }
        let expected = Self.naive(q, k, v, batch: batch, tokens: tokens, heads: heads, headDim: headDim)
        let worst = zip(out, expected).map { abs($0 - $1) }.max() ?? 0
        #expect(worst < 1e-5, "max abs error \(worst)")
    }
}
