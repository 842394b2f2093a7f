import Foundation
import MosaicTensor

@testable import MosaicStableDiffusion

/// Straightforward double-precision versions of the UNet's modules, straight from the PyTorch
/// definitions, reading the same weights by name: the reference the optimised blocks are checked against.
struct NaiveModules {
    let weights: any WeightSource

    func w(_ name: String) -> [Double] {
        weights.contains(name) ? ((try? weights.floats(name)) ?? []).map(Double.init) : []
    }

    func conv(
        _ x: [Double], _ name: String, batch: Int, cin: Int, cout: Int, h: Int, w width: Int, k: Int,
        stride: Int = 1, pad: Int = 0
    ) -> (out: [Double], h: Int, w: Int) {
        let weight = w(name + ".weight")
        let bias = w(name + ".bias")
        let oh = (h + 2 * pad - k) / stride + 1
        let ow = (width + 2 * pad - k) / stride + 1
        var out = [Double](repeating: 0, count: batch * cout * oh * ow)
        for b in 0..<batch {
            for o in 0..<cout {
                for y in 0..<oh {
                    for xo in 0..<ow {
                        var s = bias.isEmpty ? 0 : bias[o]
                        for c in 0..<cin {
                            for i in 0..<k {
                                for j in 0..<k {
                                    let iy = y * stride - pad + i
                                    let ix = xo * stride - pad + j
                                    if iy < 0 || iy >= h || ix < 0 || ix >= width { continue }
                                    s +=
                                        weight[((o * cin + c) * k + i) * k + j]
                                        * x[((b * cin + c) * h + iy) * width + ix]
                                }
                            }
                        }
                        out[((b * cout + o) * oh + y) * ow + xo] = s
                    }
                }
            }
        }
        return (out, oh, ow)
    }

    func linear(_ x: [Double], _ name: String, rows: Int, inF: Int, outF: Int) -> [Double] {
        let weight = w(name + ".weight")
        let bias = w(name + ".bias")
        var out = [Double](repeating: 0, count: rows * outF)
        for r in 0..<rows {
            for o in 0..<outF {
                var s = bias.isEmpty ? 0 : bias[o]
                for i in 0..<inF { s += x[r * inF + i] * weight[o * inF + i] }
                out[r * outF + o] = s
            }
        }
        return out
    }

    func groupNorm(_ x: [Double], _ name: String, batch: Int, c: Int, spatial: Int, groups: Int, eps: Double)
        -> [Double]
    {
        let gamma = w(name + ".weight")
        let beta = w(name + ".bias")
        var out = x
        let per = c / groups * spatial
        for b in 0..<batch {
            for g in 0..<groups {
                let start = (b * groups + g) * per
                let slice = x[start..<start + per]
                let mean = slice.reduce(0, +) / Double(per)
                let variance = slice.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(per)
                for i in start..<start + per {
                    let ch = (i / spatial) % c
                    out[i] = (x[i] - mean) / (variance + eps).squareRoot() * gamma[ch] + beta[ch]
                }
            }
        }
        return out
    }

    func layerNorm(_ x: [Double], _ name: String, rows: Int, d: Int) -> [Double] {
        let gamma = w(name + ".weight")
        let beta = w(name + ".bias")
        var out = x
        for r in 0..<rows {
            let row = x[r * d..<(r + 1) * d]
            let mean = row.reduce(0, +) / Double(d)
            let variance = row.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(d)
            for i in 0..<d {
                out[r * d + i] = (x[r * d + i] - mean) / (variance + 1e-5).squareRoot() * gamma[i] + beta[i]
            }
        }
        return out
    }

    func silu(_ x: [Double]) -> [Double] { x.map { $0 / (1 + exp(-$0)) } }

    func attention(
        _ x: [Double], _ name: String, batch: Int, tokens: Int, dim: Int, context: [Double]?, keys: Int,
        contextDim: Int, heads: Int
    ) -> [Double] {
        let src = context ?? x
        let nk = context == nil ? tokens : keys
        let cd = context == nil ? dim : contextDim
        let q = linear(x, name + ".to_q", rows: batch * tokens, inF: dim, outF: dim)
        let k = linear(src, name + ".to_k", rows: batch * nk, inF: cd, outF: dim)
        let v = linear(src, name + ".to_v", rows: batch * nk, inF: cd, outF: dim)
        let dh = dim / heads
        var out = [Double](repeating: 0, count: batch * tokens * dim)
        for b in 0..<batch {
            for h in 0..<heads {
                for i in 0..<tokens {
                    var s = [Double](repeating: 0, count: nk)
                    for j in 0..<nk {
                        for d in 0..<dh {
                            s[j] += q[(b * tokens + i) * dim + h * dh + d] * k[(b * nk + j) * dim + h * dh + d]
                        }
                        s[j] /= Double(dh).squareRoot()
                    }
                    let m = s.max() ?? 0
                    let e = s.map { exp($0 - m) }
                    let total = e.reduce(0, +)
                    for d in 0..<dh {
                        var acc = 0.0
                        for j in 0..<nk { acc += e[j] / total * v[(b * nk + j) * dim + h * dh + d] }
                        out[(b * tokens + i) * dim + h * dh + d] = acc
                    }
                }
            }
        }
        return linear(out, name + ".to_out.0", rows: batch * tokens, inF: dim, outF: dim)
    }

    func resnet(
        _ x: [Double], _ p: String, temb: [Double], batch: Int, cin: Int, cout: Int, h: Int, w width: Int,
        tembDim: Int, groups: Int
    ) -> [Double] {
        var hidden = silu(
            groupNorm(x, p + "norm1", batch: batch, c: cin, spatial: h * width, groups: groups, eps: 1e-5))
        hidden = conv(hidden, p + "conv1", batch: batch, cin: cin, cout: cout, h: h, w: width, k: 3, pad: 1).out
        let t = linear(silu(temb), p + "time_emb_proj", rows: batch, inF: tembDim, outF: cout)
        for i in hidden.indices { hidden[i] += t[(i / (h * width * cout)) * cout + (i / (h * width)) % cout] }
        hidden = silu(
            groupNorm(hidden, p + "norm2", batch: batch, c: cout, spatial: h * width, groups: groups, eps: 1e-5))
        hidden = conv(hidden, p + "conv2", batch: batch, cin: cout, cout: cout, h: h, w: width, k: 3, pad: 1).out
        let shortcut =
            cin == cout ? x : conv(x, p + "conv_shortcut", batch: batch, cin: cin, cout: cout, h: h, w: width, k: 1).out
        return zip(shortcut, hidden).map { $0 + $1 }
    }

    func transformer(
        _ x: [Double], _ p: String, encoder: [Double], keys: Int, crossDim: Int, batch: Int, c: Int,
        h: Int, w width: Int, heads: Int, groups: Int, linearProjection: Bool
    ) -> [Double] {
        let t = h * width
        let normed = groupNorm(x, p + "norm", batch: batch, c: c, spatial: t, groups: groups, eps: 1e-6)
        var tokens = [Double](repeating: 0, count: batch * t * c)  // NCHW -> [B, T, C]
        for b in 0..<batch {
            for ch in 0..<c { for i in 0..<t { tokens[(b * t + i) * c + ch] = normed[(b * c + ch) * t + i] } }
        }
        // proj_in as a linear over channels (a 1x1 conv has the same numbers, shape [C, C, 1, 1]).
        var hidden = linear(tokens, p + "proj_in", rows: batch * t, inF: c, outF: c)
        let b0 = p + "transformer_blocks.0."
        var a = attention(
            layerNorm(hidden, b0 + "norm1", rows: batch * t, d: c), b0 + "attn1", batch: batch, tokens: t,
            dim: c, context: nil, keys: 0, contextDim: c, heads: heads)
        hidden = zip(hidden, a).map { $0 + $1 }
        a = attention(
            layerNorm(hidden, b0 + "norm2", rows: batch * t, d: c), b0 + "attn2", batch: batch, tokens: t,
            dim: c, context: encoder, keys: keys, contextDim: crossDim, heads: heads)
        hidden = zip(hidden, a).map { $0 + $1 }
        let projected = linear(
            layerNorm(hidden, b0 + "norm3", rows: batch * t, d: c), b0 + "ff.net.0.proj",
            rows: batch * t, inF: c, outF: 8 * c)
        var gated = [Double](repeating: 0, count: batch * t * 4 * c)
        for r in 0..<batch * t {
            for i in 0..<4 * c {
                let gate = projected[r * 8 * c + 4 * c + i]
                gated[r * 4 * c + i] = projected[r * 8 * c + i] * 0.5 * gate * (1 + erf(gate / 2.0.squareRoot()))
            }
        }
        let ff = linear(gated, b0 + "ff.net.2", rows: batch * t, inF: 4 * c, outF: c)
        hidden = zip(hidden, ff).map { $0 + $1 }
        let projectedOut = linear(hidden, p + "proj_out", rows: batch * t, inF: c, outF: c)
        var out = x
        for b in 0..<batch {
            for ch in 0..<c { for i in 0..<t { out[(b * c + ch) * t + i] += projectedOut[(b * t + i) * c + ch] } }
        }
        _ = linearProjection
        return out
    }
}

/// Relative L2 error of `a` against `reference`.
func relativeL2(_ a: [Float], _ reference: [Double]) -> Double {
    var num = 0.0
    var den = 0.0
    for (x, y) in zip(a, reference) {
        num += (Double(x) - y) * (Double(x) - y)
        den += y * y
    }
    return a.count == reference.count ? (num / max(den, 1e-30)).squareRoot() : .infinity
}
