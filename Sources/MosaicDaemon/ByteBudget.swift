import Foundation

/// A budget in bytes, either fixed (`8G`, `512M`, `1048576`) or a share of what the machine
/// has (`75%`), as the config file and `mosaicd serve` take it.
public enum ByteBudget: Sendable, Equatable, CustomStringConvertible {
    /// A fixed number of bytes.
    case bytes(Int)
    /// A fraction (0 < f <= 1) of the machine's available amount at the time of the check.
    case fraction(Double)

    /// Parses `75%`, `8G`, `512M`, `64K`, `2T` (powers of 1024) or a plain byte count.
    public init?(parsing text: String) {
        let value = text.trimmingCharacters(in: .whitespaces)
        if value.hasSuffix("%") {
            guard let percent = Double(value.dropLast()), percent > 0, percent <= 100 else { return nil }
            self = .fraction(percent / 100)
            return
        }
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        var multiplier = 1
        var digits = Substring(value)
        if let last = value.last?.uppercased().first, let unit = units[last] {
            multiplier = unit
            digits = value.dropLast()
        }
        guard let number = Double(digits), number.isFinite, number > 0,
            number * Double(multiplier) < Double(Int.max)
        else { return nil }
        self = .bytes(Int(number * Double(multiplier)))
    }

    /// The budget in bytes when the machine has `available` bytes.
    public func resolve(available: Int) -> Int {
        switch self {
        case .bytes(let bytes): bytes
        case .fraction(let fraction): Int(Double(max(0, available)) * fraction)
        }
    }

    /// `75%` or `8.0 GiB`, as messages show it.
    public var description: String {
        switch self {
        case .bytes(let bytes): ByteCount.format(bytes)
        case .fraction(let fraction): "\(Int((fraction * 100).rounded()))%"
        }
    }
}
