import MosaicTestSupport

/// A percentile bootstrap interval for the median: how far a run's median slowdown could move
/// had its windows come out otherwise. A 10-window run's median scatters by about two points
/// from run to run (the host's speed drifts between windows), so one median next to the 5%
/// target says little without it.
enum BootstrapInterval {
    /// The central `confidence` interval of the medians of `resamples` resamples (with
    /// replacement, of the same size) of `values`; seeded, so a run's report is reproducible.
    static func ofMedian(
        _ values: [Double], confidence: Double = 0.95, resamples: Int = 4000,
        seed: UInt64 = 1
    ) -> (low: Double, high: Double)? {
        guard values.count > 1, resamples > 0, confidence > 0, confidence < 1 else { return nil }
        var random = SeededGenerator(seed: seed)
        var medians: [Double] = []
        medians.reserveCapacity(resamples)
        for _ in 0..<resamples {
            let sample = (0..<values.count).map { _ in values[Int(random.next() % UInt64(values.count))] }
            medians.append(median(sample))
        }
        medians.sort()
        let tail = (1 - confidence) / 2
        let low = medians[Int((tail * Double(resamples - 1)).rounded())]
        let high = medians[Int(((1 - tail) * Double(resamples - 1)).rounded())]
        return (low, high)
    }
}
