import ArgumentParser
import Foundation
import MosaicAPI

extension JobState: ExpressibleByArgument {}

/// A span of time on the command line: `7d`, `12h`, `30m`, `45s`, `2w`, or sums like `1d12h`.
struct TimeSpan: ExpressibleByArgument, Equatable {
    /// The span in seconds.
    let seconds: Double

    private static let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]

    init(seconds: Double) { self.seconds = seconds }

    init?(argument: String) {
        var total = 0.0
        var digits = ""
        var sawUnit = false
        for character in argument {
            if character.isASCII, character.isNumber {
                digits.append(character)
            } else if let unit = Self.units[character], let value = Double(digits) {
                total += value * unit
                digits = ""
                sawUnit = true
            } else {
                return nil
            }
        }
        guard sawUnit, digits.isEmpty else { return nil }
        seconds = total
    }

    static var defaultCompletionKind: CompletionKind { .default }
}

/// A user by uid or name, resolved here because the API filters by uid.
struct UserArgument: ExpressibleByArgument {
    /// The numeric user id.
    let uid: UInt32

    init?(argument: String) {
        if let uid = UInt32(argument) {
            self.uid = uid
            return
        }
        guard let entry = getpwnam(argument) else { return nil }
        uid = entry.pointee.pw_uid
    }
}
