import Foundation
import MosaicTestSupport
import Testing

@testable import MosaicTensor

@Suite struct NormAndActivationTests {
    @Test(arguments: [(1, 4, 1, 1), (2, 8, 3, 5), (2, 32, 16, 16), (1, 320, 8, 8), (3, 6, 3, 7)])
    func groupNormMatchesReference(shape: (Int, Int, Int, Int)) {
        let (batch, channels, h, w) = shape
        let groups = channels % 32 == 0 ? 32 : (channels % 2 == 0 ? 2 : 1)
        var rng = SeededGenerator(seed: UInt64(channels * h + w))
        let x = rng.floats(batch * channels * h * w).map { $0 * 3 + 0.5 }
        let gamma = rng.floats(channels)
        let beta = rng.floats(channels)
        for silu in [false, true] {
            for threads in [1, 2] {
                var out = x
                let run = { (ctx: ComputeContext) in
                    x.withUnsafeBufferPointer { xp in
                        out.withUnsafeMutableBufferPointer { op in
                            gamma.withUnsafeBufferPointer { gp in
                                beta.withUnsafeBufferPointer { bp in
                                    GroupNorm.forward(
                                        xp.baseAddress!, output: op.baseAddress!, batch: batch, channels: channels,
                                        height: h, width: w, groups: groups, eps: 1e-5, gamma: gp.baseAddress!,
                                        beta: bp.baseAddress!, silu: silu, context: ctx)
                                }
                            }
                        }
                    }
                }
                if threads == 1 { run(.serial) } else { withTwoThreads(run) }
                let ref = NNReference.groupNorm(
                    x, batch: batch, channels: channels, spatial: h * w, groups: groups,
                    eps: 1e-5, gamma: gamma, beta: beta, silu: silu)
                #expect(relativeL2(out, ref) < 1e-5, "groupnorm \(shape) silu \(silu) threads \(threads)")
            }
        }
    }

    /// Statistics of the four quadrants of an image, merged, equal the whole image's.
    @Test func groupNormStatisticsMergeAcrossTiles() {
        let (channels, h, w, groups) = (8, 10, 12, 4)
        var rng = SeededGenerator(seed: 5)
        let x = rng.floats(2 * channels * h * w)
        x.withUnsafeBufferPointer { xp in
            let whole = GroupNorm.statistics(
                xp.baseAddress!, batch: 2, channels: channels, height: h, width: w,
                groups: groups, context: .serial)
            var merged = GroupNormStatistics(batch: 2, groups: groups)
            for rows in [0..<4, 4..<10] {
                for columns in [0..<5, 5..<12] {
                    merged =
                        merged
                        + GroupNorm.statistics(
                            xp.baseAddress!, batch: 2, channels: channels, height: h,
                            width: w, groups: groups, rows: rows, columns: columns,
                            context: .serial)
                }
            }
            #expect(merged.count == whole.count)
            for i in whole.sum.indices {
                #expect(abs(merged.sum[i] - whole.sum[i]) < 1e-3)
                #expect(abs(merged.sumOfSquares[i] - whole.sumOfSquares[i]) < 1e-3)
            }
        }
    }

    @Test(arguments: [(1, 1), (3, 7), (17, 320), (64, 768), (5, 1024)])
    func layerNormMatchesReference(shape: (Int, Int)) {
        let (rows, features) = shape
        var rng = SeededGenerator(seed: UInt64(rows * 7 + features))
        let x = rng.floats(rows * features).map { $0 * 2 + 1 }
        let gamma = rng.floats(features)
        let beta = rng.floats(features)
        var out = x
        x.withUnsafeBufferPointer { xp in
            out.withUnsafeMutableBufferPointer { op in
                gamma.withUnsafeBufferPointer { gp in
                    beta.withUnsafeBufferPointer { bp in
                        LayerNorm.forward(
                            xp.baseAddress!, output: op.baseAddress!, rows: rows, features: features,
                            gamma: gp.baseAddress!, beta: bp.baseAddress!, eps: 1e-5, context: .serial)
                    }
                }
            }
        }
        var ref = x
        for r in 0..<rows {
            let row = x[r * features..<(r + 1) * features].map(Double.init)
            let mean = row.reduce(0, +) / Double(features)
            let variance = row.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(features)
            for i in 0..<features {
                ref[r * features + i] = Float(
                    (row[i] - mean) / (variance + 1e-5).squareRoot() * Double(gamma[i]) + Double(beta[i]))
            }
        }
        #expect(relativeL2(out, ref) < 1e-5)
    }

    @Test func activationsMatchReference() {
        var rng = SeededGenerator(seed: 11)
        let x = rng.floats(1003).map { $0 * 12 }  // [-12, 12): tails included
        func run(_ f: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void) -> [Float] {
            var out = [Float](repeating: 0, count: x.count)
            x.withUnsafeBufferPointer { xp in
                out.withUnsafeMutableBufferPointer { op in f(xp.baseAddress!, op.baseAddress!, x.count) }
            }
            return out
        }
        let silu = run { Activation.silu($0, output: $1, count: $2) }
        let gelu = run { Activation.gelu($0, output: $1, count: $2) }
        let quick = run { Activation.quickGELU($0, output: $1, count: $2) }
        for (i, v) in x.enumerated() {
            let d = Double(v)
            #expect(abs(Double(silu[i]) - d / (1 + exp(-d))) <= 1e-6 * max(1, abs(d)))
            #expect(abs(Double(gelu[i]) - 0.5 * d * (1 + erf(d / 2.0.squareRoot()))) <= 2e-6 * max(1, abs(d)))
            #expect(abs(Double(quick[i]) - d / (1 + exp(-1.702 * d))) <= 1e-6 * max(1, abs(d)))
        }
        // GEGLU: rows of [hidden | gate].
        let (rows, features) = (7, 9)
        let y = rng.floats(rows * 2 * features).map { $0 * 4 }
        var out = [Float](repeating: 0, count: rows * features)
        y.withUnsafeBufferPointer { yp in
            out.withUnsafeMutableBufferPointer { op in
                Activation.geglu(yp.baseAddress!, output: op.baseAddress!, rows: rows, features: features)
            }
        }
        for r in 0..<rows {
            for i in 0..<features {
                let hidden = Double(y[r * 2 * features + i])
                let gate = Double(y[r * 2 * features + features + i])
                let ref = hidden * 0.5 * gate * (1 + erf(gate / 2.0.squareRoot()))
                #expect(abs(Double(out[r * features + i]) - ref) <= 2e-6 * max(1, abs(ref)))
            }
        }
    }

    @Test func fastExpIsAccurate() {
        var worst: Float = 0
        var x: Float = -87
        while x < 88 {
            let e = FastMath.exp(x)
            let r = Float(Foundation.exp(Double(x)))
            worst = max(worst, abs(e - r) / r)
            x += 0.0137
        }
        #expect(worst < 4e-7)
        #expect(FastMath.exp(-1000) >= 0 && FastMath.exp(-1000) < 1e-37)
        #expect(FastMath.exp(1000).isFinite)
    }

    @Test(arguments: [(1, 1), (3, 5), (4, 77), (2, 4096), (9, 33)])
    func softmaxMatchesReference(shape: (Int, Int)) {
        let (rows, columns) = shape
        var rng = SeededGenerator(seed: UInt64(rows + columns))
        var x = rng.floats(rows * columns).map { $0 * 20 }
        let original = x
        x.withUnsafeMutableBufferPointer {
            Softmax.rows($0.baseAddress!, rows: rows, columns: columns, stride: columns, scale: 0.5)
        }
        var ref = original
        for r in 0..<rows {
            let row = original[r * columns..<(r + 1) * columns].map { Double($0) * 0.5 }
            let m = row.max()!
            let total = row.reduce(0) { $0 + exp($1 - m) }
            for i in 0..<columns { ref[r * columns + i] = Float(exp(row[i] - m) / total) }
        }
        #expect(relativeL2(x, ref) < 1e-6)
    }
}
