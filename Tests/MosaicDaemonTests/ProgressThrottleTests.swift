import MosaicAPI
import Testing

@testable import MosaicDaemon

/// Progress is let through at most once per interval; the newest held-back report is the one
/// that a flush delivers.
struct ProgressThrottleTests {
    static func progress(_ step: Int) -> JobProgress { JobProgress(step: step, steps: 100) }

    @Test func atMostOneReportPerInterval() {
        var throttle = ProgressThrottle(interval: 0.25)
        var sent: [Int] = []
        for step in 0..<100 {  // a step every 1/64 s (exact in binary) for about 1.5 s
            if let p = throttle.offer(Self.progress(step), now: Double(step) / 64) { sent.append(p.step) }
        }
        #expect(sent == [0, 16, 32, 48, 64, 80, 96])
        #expect(throttle.flush()?.step == 99)
        #expect(throttle.flush() == nil)
    }

    @Test func slowReportsAllGoThrough() {
        var throttle = ProgressThrottle(interval: 0.2)
        for step in 0..<10 { #expect(throttle.offer(Self.progress(step), now: Double(step) * 0.5)?.step == step) }
        #expect(throttle.flush() == nil)
    }
}
