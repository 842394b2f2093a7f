import Foundation

extension Date {
    /// Milliseconds since the Unix epoch, rounded to the nearest: the stored form of a time.
    /// Saturates at Int64's limits: a request may ask for a time 1e19 s ago (a prune's cutoff),
    /// and a trapping conversion would take the daemon down with it.
    var millisecondsSince1970: Int64 {
        let milliseconds = (timeIntervalSince1970 * 1000).rounded()
        if milliseconds.isNaN { return 0 }
        if milliseconds >= 9_223_372_036_854_775_807 { return .max }
        if milliseconds <= -9_223_372_036_854_775_808 { return .min }
        return Int64(milliseconds)
    }

    /// The time `milliseconds` after the Unix epoch.
    init(millisecondsSince1970 milliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}
