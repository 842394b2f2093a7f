import Foundation

extension Date {
    /// Milliseconds since the Unix epoch, rounded to the nearest: the stored form of a time.
    /// Saturates at Int64's limits: a request may ask for a time 1e19 s ago (a prune's cutoff),
    /// and a trapping conversion would take the daemon down with it.
    var millisecondsSince1970: Int64 {
        let milliseconds = (timeIntervalSince1970 * 1000).rounded()
        if milliseconds.isNaN { return 0 }
        // Double(Int64.max) rounds up to 2^63, which Int64 cannot hold; Double(Int64.min) is exact.
        if milliseconds >= Double(Int64.max) { return .max }
        if milliseconds < Double(Int64.min) { return .min }
        return Int64(milliseconds)
    }

    /// The time `milliseconds` after the Unix epoch.
    init(millisecondsSince1970 milliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}
