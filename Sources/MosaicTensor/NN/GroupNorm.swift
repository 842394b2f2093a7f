/// Group normalisation over NCHW tensors (`torch.nn.GroupNorm`), optionally fused with SiLU.
///
/// Split in two so a tiled decode can normalise with statistics gathered over the whole image:
/// `statistics` sums a region of each group, `apply` normalises with given statistics.
public enum GroupNorm {
    /// Sums and sums of squares per (image, group) over rows `rows` and columns `columns` of each
    /// `height x width` plane (the whole plane when `nil`). `input` is `[batch, channels, height, width]`.
    public static func statistics(
        _ input: UnsafePointer<Float>, batch: Int, channels: Int, height: Int, width: Int, groups: Int,
        rows: Range<Int>? = nil, columns: Range<Int>? = nil, context: ComputeContext
    ) -> GroupNormStatistics {
        precondition(groups > 0 && channels % groups == 0, "GroupNorm: \(channels) channels in \(groups) groups")
        let rows = rows ?? 0..<height
        let columns = columns ?? 0..<width
        let perGroup = channels / groups
        let plane = height * width
        var stats = GroupNormStatistics(batch: batch, groups: groups)
        stats.count = perGroup * rows.count * columns.count
        let contiguous = columns.count == width
        stats.sum.withUnsafeMutableBufferPointer { sums in
            stats.sumOfSquares.withUnsafeMutableBufferPointer { squares in
                guard let sumBase = sums.baseAddress, let squareBase = squares.baseAddress else { return }
                context.parallelFor(batch * groups) { item in
                    var s = 0.0
                    var q = 0.0
                    for c in 0..<perGroup {
                        let base = input + (item * perGroup + c) * plane
                        if contiguous {
                            accumulate(base + rows.lowerBound * width, count: rows.count * width, &s, &q)
                        } else {
                            for y in rows {
                                accumulate(base + y * width + columns.lowerBound, count: columns.count, &s, &q)
                            }
                        }
                    }
                    sumBase[item] = s
                    squareBase[item] = q
                }
            }
        }
        return stats
    }

    /// `output = (input - mean) * inverseStd * gamma[c] + beta[c]`, then SiLU if `silu`, with the
    /// mean and variance from `statistics`. `output` may be `input`.
    public static func apply(
        _ input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
        batch: Int, channels: Int, spatial: Int, groups: Int, statistics: GroupNormStatistics, eps: Float,
        gamma: UnsafePointer<Float>?, beta: UnsafePointer<Float>?, silu: Bool, context: ComputeContext
    ) {
        precondition(
            statistics.sum.count == batch * groups,
            "GroupNorm: statistics for \(statistics.sum.count) groups, need \(batch * groups)")
        let (mean, inv) = statistics.meanAndInverseStd(eps: eps)
        let perGroup = channels / groups
        mean.withUnsafeBufferPointer { meanBuffer in
            inv.withUnsafeBufferPointer { invBuffer in
                context.parallelFor(batch * channels) { item in
                    let c = item % channels
                    let g = (item / channels) * groups + c / perGroup
                    let scale = invBuffer[g] * (gamma?[c] ?? 1)
                    let shift = (beta?[c] ?? 0) - meanBuffer[g] * scale
                    let src = input + item * spatial
                    let dst = output + item * spatial
                    if silu {
                        for i in 0..<spatial {
                            let y = src[i] * scale + shift
                            dst[i] = y * FastMath.sigmoid(y)
                        }
                    } else {
                        for i in 0..<spatial { dst[i] = src[i] * scale + shift }
                    }
                }
            }
        }
    }

    /// Statistics and normalisation in one call, over the whole tensor.
    public static func forward(
        _ input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
        batch: Int, channels: Int, height: Int, width: Int, groups: Int, eps: Float,
        gamma: UnsafePointer<Float>?, beta: UnsafePointer<Float>?, silu: Bool = false, context: ComputeContext
    ) {
        let stats = statistics(
            input, batch: batch, channels: channels, height: height, width: width,
            groups: groups, context: context)
        apply(
            input, output: output, batch: batch, channels: channels, spatial: height * width, groups: groups,
            statistics: stats, eps: eps, gamma: gamma, beta: beta, silu: silu, context: context)
    }

    /// Adds the sum and sum of squares of `count` floats, in float blocks of 64 flushed to double.
    @inline(__always)
    static func accumulate(_ p: UnsafePointer<Float>, count: Int, _ sum: inout Double, _ squares: inout Double) {
        var start = 0
        while start < count {
            let end = min(count, start + 64)
            var s = SIMD8<Float>()
            var q = SIMD8<Float>()
            var i = start
            while i + 8 <= end {
                let v = UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
                s += v
                q += v * v
                i += 8
            }
            var tailSum: Float = 0
            var tailSquares: Float = 0
            while i < end {
                tailSum += p[i]
                tailSquares += p[i] * p[i]
                i += 1
            }
            sum += Double(s.sum() + tailSum)
            squares += Double(q.sum() + tailSquares)
            start = end
        }
    }
}
