import Foundation

@testable import MosaicTensor

/// Naive double-precision references for the NN kernels, written for clarity, not speed.
enum NNReference {
    static func linear(_ x: [Float], rows: Int, inF: Int, w: [Float], b: [Float]?, outF: Int) -> [Float] {
        var out = [Float](repeating: 0, count: rows * outF)
        for r in 0..<rows {
            for o in 0..<outF {
                var s = Double(b?[o] ?? 0)
                for i in 0..<inF { s += Double(x[r * inF + i]) * Double(w[o * inF + i]) }
                out[r * outF + o] = Float(s)
            }
        }
        return out
    }

    static func conv2d(_ x: [Float], batch: Int, h: Int, w: Int, g: Conv2DGeometry, weight: [Float], bias: [Float]?)
        -> [Float]
    {
        let oh = g.outputHeight(h)
        let ow = g.outputWidth(w)
        var out = [Float](repeating: 0, count: batch * g.outChannels * oh * ow)
        for b in 0..<batch {
            for o in 0..<g.outChannels {
                for y in 0..<oh {
                    for xo in 0..<ow {
                        var s = Double(bias?[o] ?? 0)
                        for c in 0..<g.inChannels {
                            for ki in 0..<g.kernelHeight {
                                let iy = y * g.stride - g.padTop + ki
                                if iy < 0 || iy >= h { continue }
                                for kj in 0..<g.kernelWidth {
                                    let ix = xo * g.stride - g.padLeft + kj
                                    if ix < 0 || ix >= w { continue }
                                    let wi = ((o * g.inChannels + c) * g.kernelHeight + ki) * g.kernelWidth + kj
                                    s += Double(weight[wi]) * Double(x[((b * g.inChannels + c) * h + iy) * w + ix])
                                }
                            }
                        }
                        out[((b * g.outChannels + o) * oh + y) * ow + xo] = Float(s)
                    }
                }
            }
        }
        return out
    }

    static func groupNorm(
        _ x: [Float], batch: Int, channels: Int, spatial: Int, groups: Int, eps: Float,
        gamma: [Float], beta: [Float], silu: Bool
    ) -> [Float] {
        var out = x
        let per = channels / groups
        for b in 0..<batch {
            for g in 0..<groups {
                let start = (b * channels + g * per) * spatial
                let n = per * spatial
                let mean = (start..<start + n).reduce(0.0) { $0 + Double(x[$1]) } / Double(n)
                let variance = (start..<start + n).reduce(0.0) { $0 + pow(Double(x[$1]) - mean, 2) } / Double(n)
                for i in start..<start + n {
                    let c = (i / spatial) % channels
                    var y =
                        (Double(x[i]) - mean) / (variance + Double(eps)).squareRoot() * Double(gamma[c])
                        + Double(beta[c])
                    if silu { y = y / (1 + exp(-y)) }
                    out[i] = Float(y)
                }
            }
        }
        return out
    }

    static func attention(q: [Float], k: [Float], v: [Float], batch: Int, nq: Int, nk: Int, heads: Int, dh: Int)
        -> [Float]
    {
        let width = heads * dh
        var out = [Float](repeating: 0, count: batch * nq * width)
        let scale = 1 / Double(dh).squareRoot()
        for b in 0..<batch {
            for h in 0..<heads {
                for i in 0..<nq {
                    var scores = [Double](repeating: 0, count: nk)
                    for j in 0..<nk {
                        var s = 0.0
                        for d in 0..<dh {
                            s +=
                                Double(q[(b * nq + i) * width + h * dh + d])
                                * Double(k[(b * nk + j) * width + h * dh + d])
                        }
                        scores[j] = s * scale
                    }
                    let m = scores.max() ?? 0
                    let e = scores.map { exp($0 - m) }
                    let total = e.reduce(0, +)
                    for d in 0..<dh {
                        var s = 0.0
                        for j in 0..<nk { s += e[j] / total * Double(v[(b * nk + j) * width + h * dh + d]) }
                        out[(b * nq + i) * width + h * dh + d] = Float(s)
                    }
                }
            }
        }
        return out
    }
}

/// Relative L2 error of `a` against `reference`.
func relativeL2(_ a: [Float], _ reference: [Float]) -> Double {
    precondition(a.count == reference.count, "\(a.count) vs \(reference.count)")
    var num = 0.0
    var den = 0.0
    for (x, y) in zip(a, reference) {
        num += pow(Double(x) - Double(y), 2)
        den += Double(y) * Double(y)
    }
    return (num / max(den, 1e-30)).squareRoot()
}

/// A two-thread context for the parallel paths; the caller shuts the pool down.
func withTwoThreads<R>(_ body: (ComputeContext) -> R) -> R {
    let pool = WorkerPool(threadCount: 2)
    defer { pool.shutdown() }
    return body(ComputeContext(pool: pool))
}
