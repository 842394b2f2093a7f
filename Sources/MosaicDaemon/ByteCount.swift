import Foundation

/// Byte counts for people: `1.5 GiB`.
public enum ByteCount {
    /// `bytes` in the largest binary unit that keeps it at least 1, one decimal.
    public static func format(_ bytes: Int) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var index = 0
        while value >= 1024, index < units.count - 1 {
            value /= 1024
            index += 1
        }
        return index == 0 ? "\(bytes) bytes" : String(format: "%.1f %@", value, units[index])
    }
}
