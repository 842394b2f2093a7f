/// Latencies of one kind of call, in milliseconds, and their percentiles.
struct LatencySamples {
    private(set) var milliseconds: [Double] = []

    /// Adds one sample.
    mutating func add(_ value: Double) { milliseconds.append(value) }

    /// Adds all of `other`'s samples.
    mutating func merge(_ other: LatencySamples) { milliseconds += other.milliseconds }

    /// The number of samples.
    var count: Int { milliseconds.count }

    /// The `p`-th percentile (nearest rank), nil without samples.
    func percentile(_ p: Double) -> Double? {
        guard !milliseconds.isEmpty else { return nil }
        let sorted = milliseconds.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }

    /// `p50 1.2 ms, p95 3.4 ms, p99 5.6 ms, max 7.8 ms (n calls)`.
    var summary: String {
        guard let p50 = percentile(50), let p95 = percentile(95), let p99 = percentile(99), let max = percentile(100)
        else {
            return "no samples"
        }
        return String(
            format: "p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, max %.2f ms (%d calls)", p50, p95, p99, max, count)
    }
}
