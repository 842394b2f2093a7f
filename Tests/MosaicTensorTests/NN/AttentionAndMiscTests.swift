import Foundation
import MosaicTestSupport
import Testing

@testable import MosaicTensor

@Suite struct AttentionAndMiscTests {
    @Test(arguments: [
        (1, 1, 1, 1, 1, 4), (1, 5, 3, 1, 8, 2), (2, 37, 77, 2, 8, 16), (2, 300, 300, 3, 5, 64), (1, 64, 7, 8, 40, 1000),
    ])
    func attentionMatchesReference(shape: (Int, Int, Int, Int, Int, Int)) {
        let (batch, nq, nk, heads, dh, chunk) = shape
        var rng = SeededGenerator(seed: UInt64(nq * 31 + nk * 7 + heads))
        let width = heads * dh
        let q = rng.floats(batch * nq * width)
        let k = rng.floats(batch * nk * width)
        let v = rng.floats(batch * nk * width)
        let ref = NNReference.attention(q: q, k: k, v: v, batch: batch, nq: nq, nk: nk, heads: heads, dh: dh)
        for threads in [1, 2] {
            var out = [Float](repeating: .nan, count: batch * nq * width)
            let run = { (ctx: ComputeContext) in
                q.withUnsafeBufferPointer { qp in
                    k.withUnsafeBufferPointer { kp in
                        v.withUnsafeBufferPointer { vp in
                            out.withUnsafeMutableBufferPointer { op in
                                ScaledDotProductAttention.forward(
                                    query: qp.baseAddress!, key: kp.baseAddress!, value: vp.baseAddress!,
                                    output: op.baseAddress!,
                                    batch: batch, queryCount: nq, keyCount: nk, heads: heads, headDim: dh,
                                    queryChunk: chunk, context: ctx)
                            }
                        }
                    }
                }
            }
            if threads == 1 { run(.serial) } else { withTwoThreads(run) }
            #expect(relativeL2(out, ref) < 1e-5, "attention \(shape) threads \(threads)")
        }
    }

    @Test func nearestUpsampleRepeatsPixels() {
        var rng = SeededGenerator(seed: 3)
        let (planes, h, w) = (3, 4, 5)
        let x = rng.floats(planes * h * w)
        var out = [Float](repeating: .nan, count: planes * 4 * h * w)
        x.withUnsafeBufferPointer { xp in
            out.withUnsafeMutableBufferPointer { op in
                NearestUpsample2D.forward(xp.baseAddress!, planes: planes, height: h, width: w, output: op.baseAddress!)
            }
        }
        for p in 0..<planes {
            for y in 0..<2 * h {
                for xo in 0..<2 * w {
                    #expect(out[(p * 2 * h + y) * 2 * w + xo] == x[(p * h + y / 2) * w + xo / 2])
                }
            }
        }
    }

    /// Values of diffusers' `get_timestep_embedding(torch.tensor([0., 1., 999.]), 8, flip_sin_to_cos=True,
    /// downscale_freq_shift=0)` and, for the second, `(.., 6, False, 1)`, in double precision.
    @Test func timestepEmbeddingMatchesDiffusersFormula() {
        let t: [Float] = [0, 1, 999, 500.5]
        for (dim, flip, shift) in [
            (8, true, Float(0)), (6, false, Float(1)), (320, true, Float(0)), (7, true, Float(0)),
        ] {
            let e = SinusoidalTimestepEmbedding.embed(t, dimension: dim, flipSinToCos: flip, downscaleFreqShift: shift)
            let half = dim / 2
            for (row, step) in t.enumerated() {
                for i in 0..<half {
                    let freq = exp(-log(10_000.0) * Double(i) / (Double(half) - Double(shift)))
                    let arg = Double(step) * freq
                    let (first, second) = flip ? (cos(arg), sin(arg)) : (sin(arg), cos(arg))
                    #expect(abs(Double(e[row * dim + i]) - first) < 1e-3)
                    #expect(abs(Double(e[row * dim + half + i]) - second) < 1e-3)
                }
                if dim % 2 == 1 { #expect(e[row * dim + dim - 1] == 0) }
            }
        }
    }
}

@Suite struct WeightWideningTests {
    /// Every fp16 bit pattern widens exactly as `HalfConversion` (and Swift's `Float16`) does.
    @Test func float16WideningIsExactForEveryPattern() {
        let bits = (0...UInt16.max).map { $0 }
        let n = bits.count
        var fast = [Float](repeating: 0, count: n)
        var reference = fast
        bits.withUnsafeBytes { raw in
            fast.withUnsafeMutableBufferPointer { WeightWidening.float16(raw.baseAddress!, $0.baseAddress!, count: n) }
            reference.withUnsafeMutableBufferPointer {
                HalfConversion.float16ToFloat32(raw.baseAddress!, $0.baseAddress!, count: n)
            }
        }
        let mismatches = (0..<bits.count).filter { fast[$0].bitPattern != reference[$0].bitPattern }
        #expect(
            mismatches.isEmpty,
            "first mismatching patterns: \(mismatches.prefix(5).map { String(bits[$0], radix: 16) })")
        #expect(fast[0x3C00] == 1 && fast[0xC000] == -2 && fast[0x0001] == 0x1p-24 && fast[0x7C00] == .infinity)
    }

    @Test func bfloat16WideningAndScratchReuse() {
        let bf: [UInt16] = [0x3F80, 0xC000, 0x0000, 0x7F80, 0x4049]
        var out = [Float](repeating: 0, count: bf.count)
        bf.withUnsafeBytes { raw in
            out.withUnsafeMutableBufferPointer {
                WeightWidening.bfloat16(raw.baseAddress!, $0.baseAddress!, count: bf.count)
            }
        }
        #expect(out[0] == 1 && out[1] == -2 && out[2] == 0 && out[3] == .infinity && out[4] == 3.140625)
        let a = WeightWidening.scratch(count: 1000)
        #expect(a.capacity >= 1000)
        WeightWidening.recycle(a)
        let b = WeightWidening.scratch(count: 500)
        #expect(b.capacity >= 500)  // `a` or another recycled buffer (other tests share the pool)
        WeightWidening.recycle(b)
    }
}
