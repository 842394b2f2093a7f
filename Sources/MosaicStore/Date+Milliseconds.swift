import Foundation

extension Date {
    /// Milliseconds since the Unix epoch, rounded to the nearest: the stored form of a time.
    var millisecondsSince1970: Int64 {
        Int64((timeIntervalSince1970 * 1000).rounded())
    }

    /// The time `milliseconds` after the Unix epoch.
    init(millisecondsSince1970 milliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}
