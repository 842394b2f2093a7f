/// Per-group sums and sums of squares of a group norm's input, in double precision.
///
/// Partial statistics of disjoint parts of an image (the tiles of a tiled VAE decode) add up
/// to the statistics of the whole, so every tile can be normalised with the same mean and
/// variance: compute each tile's part with `GroupNorm.statistics`, merge with `+`, then
/// `GroupNorm.apply` each tile with the merged result.
public struct GroupNormStatistics: Sendable, Equatable {
    /// Number of groups per image.
    public let groups: Int
    /// Elements seen per group (the same for every group).
    public var count: Int
    /// `sum[b * groups + g]`: sum of the inputs of group `g` of image `b`.
    public var sum: [Double]
    /// `sumOfSquares[b * groups + g]`: sum of their squares.
    public var sumOfSquares: [Double]

    /// Zero statistics for `batch` images of `groups` groups.
    public init(batch: Int, groups: Int) {
        self.groups = groups
        self.count = 0
        self.sum = [Double](repeating: 0, count: batch * groups)
        self.sumOfSquares = [Double](repeating: 0, count: batch * groups)
    }

    /// The statistics of the union of two disjoint parts (same batch and groups).
    public static func + (lhs: GroupNormStatistics, rhs: GroupNormStatistics) -> GroupNormStatistics {
        precondition(
            lhs.sum.count == rhs.sum.count && lhs.groups == rhs.groups,
            "GroupNormStatistics: \(lhs.sum.count)/\(lhs.groups) vs \(rhs.sum.count)/\(rhs.groups) entries/groups")
        var out = lhs
        out.count += rhs.count
        for i in out.sum.indices {
            out.sum[i] += rhs.sum[i]
            out.sumOfSquares[i] += rhs.sumOfSquares[i]
        }
        return out
    }

    /// Mean and `1 / sqrt(variance + eps)` per entry (biased variance, as `torch.nn.GroupNorm`).
    public func meanAndInverseStd(eps: Float) -> (mean: [Float], inverseStd: [Float]) {
        let n = Double(max(count, 1))
        var mean = [Float](repeating: 0, count: sum.count)
        var inv = mean
        for i in sum.indices {
            let m = sum[i] / n
            let variance = max(0, sumOfSquares[i] / n - m * m)
            mean[i] = Float(m)
            inv[i] = Float(1 / (variance + Double(eps)).squareRoot())
        }
        return (mean, inv)
    }
}
