import MosaicTestSupport
import Testing

@testable import MosaicBench

/// The load benchmark's interval for its median slowdown.
@Suite struct BootstrapIntervalTests {
    @Test func theIntervalHoldsTheMedianAndNarrowsWithMoreWindows() throws {
        var random = SeededGenerator(seed: 42)
        func windows(_ count: Int) -> [Double] {
            // Slowdowns around +4% with a scatter of several points, as the runs show.
            (0..<count).map { _ in 4 + 8 * (Double(random.next() >> 11) / Double(1 << 53) - 0.5) }
        }
        let ten = windows(10)
        let hundred = windows(100)
        let small = try #require(BootstrapInterval.ofMedian(ten))
        let large = try #require(BootstrapInterval.ofMedian(hundred))
        #expect(small.low <= median(ten) && median(ten) <= small.high)
        #expect(small.low >= ten.min()! && small.high <= ten.max()!)
        #expect(large.high - large.low < small.high - small.low)
        #expect(BootstrapInterval.ofMedian(ten) ?? (0, 0) == small, "the interval is seeded")
    }

    @Test func identicalWindowsGiveAPointAndTooFewGiveNone() {
        let same = BootstrapInterval.ofMedian([3, 3, 3, 3])
        #expect(same?.low == 3 && same?.high == 3)
        #expect(BootstrapInterval.ofMedian([5]) == nil)
    }
}
