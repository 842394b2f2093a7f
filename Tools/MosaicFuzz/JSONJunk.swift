import MosaicTestSupport

/// Raw JSON-ish values for mutated fields: extreme numbers, wrong types, huge strings, invalid
/// UTF-8, broken escapes and deep nesting. Each is the bytes as they go on the wire, so values
/// that no encoder would produce (a raw 0xFF, `NaN`, 1,000 digits) are possible.
enum JSONJunk {
    /// Numbers at and beyond every limit the API documents or an integer type has.
    static let numbers = [
        "0", "-0", "-1", "1", "1.5", "-1.5", "7", "8", "63", "64", "65", "100", "101", "-100", "-101", "512", "513",
        "1000", "1001", "4096", "4097", "16376", "16383", "16384", "65536", "2147483647", "2147483648", "-2147483649",
        "4294967295", "4294967296", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
        "-9223372036854775809", "18446744073709551615", "18446744073709551616", "-18446744073709551616",
        "340282366920938463463374607431768211456", "1e308", "-1e308", "1e309", "-1e309", "1e-400", "4.9e-324",
        "3.4028235e38", "3.4028236e38", "1E3", "1e+3", "0.0000001", "64.0", "64.5", "-0.0",
        // Not JSON numbers at all.
        "NaN", "Infinity", "-Infinity", "0x40", "01", "+1", ".5", "1.", "1e", "--1", "1_000",
    ]

    /// Values of the wrong type for any field.
    static let wrongTypes = [
        "true", "false", "null", "\"64\"", "\"\"", "[]", "{}", "[1,2,3]", "{\"a\":1}", "[null]", "\"dpmpp_2m\"",
        "\"running\"", "[\"queued\",\"bogus\"]",
    ]

    /// Tokens that are not JSON.
    static let brokenTokens = [
        "tru", "nul", "fals", "'single'", "undefined", "\"unterminated", "\"bad \\x41 escape\"", "\"\\u12\"",
        "\"\\ud800\"", "\"\\udc00\\ud800\"", "\"\\u0000\"", "{\"a\"}", "{\"a\":}", "[1,]", "{,}", "[", "{", "}", "]",
        "\"a\" \"b\"", "/* comment */ 1",
    ]

    /// Invalid UTF-8 sequences, to be placed inside a JSON string.
    static let invalidUTF8: [[UInt8]] = [
        [0xFF], [0xFE, 0xFF], [0xC3, 0x28], [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xE2, 0x82],
        [0xF4, 0x90, 0x80, 0x80], [0x80], [0xF8, 0x88, 0x80, 0x80, 0x80],
    ]

    /// One junk value, drawn from every family.
    static func value(using random: inout SeededGenerator) -> (label: String, bytes: [UInt8]) {
        switch Int.random(in: 0..<10, using: &random) {
        case 0...2:
            let number = random.pick(numbers)
            return ("number \(number)", Array(number.utf8))
        case 3:
            let value = random.pick(wrongTypes)
            return ("wrong type \(value)", Array(value.utf8))
        case 4:
            let token = random.pick(brokenTokens)
            return ("broken token \(token)", Array(token.utf8))
        case 5: return string(using: &random)
        case 6:
            let bad = random.pick(invalidUTF8)
            let before = random.chance(0.5) ? Array("sea ".utf8) : []
            return (
                "invalid UTF-8 \(bad.map { String($0, radix: 16) })",
                [0x22] + before + bad + Array(" sky".utf8) + [0x22]
            )
        case 7: return nested(using: &random)
        case 8:
            let digits = Int.random(in: 20...5000, using: &random)
            return ("\(digits)-digit number", [0x31] + [UInt8](repeating: 0x39, count: digits - 1))
        default:
            let control = UInt8.random(in: 0...31, using: &random)
            return ("raw control byte \(control) in a string", Array("\"ab".utf8) + [control] + Array("cd\"".utf8))
        }
    }

    /// A long, odd or exactly-at-the-limit string.
    static func string(using random: inout SeededGenerator) -> (label: String, bytes: [UInt8]) {
        let lengths = [0, 1, 4095, 4096, 4097, 5000, 16384, 60000, 70000, 200_000]
        let length = random.pick(lengths)
        switch Int.random(in: 0..<4, using: &random) {
        case 0: return ("\(length)-byte string", quoted([UInt8](repeating: 0x61, count: length)))
        case 1:
            // A 3-byte character straddling the byte limit.
            let euro: [UInt8] = [0xE2, 0x82, 0xAC]
            let count = max(1, length / 3 + 1)
            return (
                "\(count * 3)-byte string of U+20AC", quoted(Array([[UInt8]](repeating: euro, count: count).joined()))
            )
        case 2:
            let escapes = Array("\\u0000\\n\\t\\\"\\\\\\/\\ud83d\\ude00".utf8)
            let count = max(1, length / escapes.count)
            return (
                "string of \(count) escape runs", quoted(Array([[UInt8]](repeating: escapes, count: count).joined()))
            )
        default:
            let text = Array("𝕄ø﻿ṡαïc \u{202E}rtl\u{200B} e\u{301}\u{301}\u{301} 🌊🏜️".utf8)
            return ("unicode string", quoted(text))
        }
    }

    /// Arrays or objects nested deeply.
    static func nested(using random: inout SeededGenerator) -> (label: String, bytes: [UInt8]) {
        let depth = random.pick([10, 100, 513, 1000, 10_000, 50_000])
        if random.chance(0.5) {
            return (
                "arrays nested \(depth) deep",
                [UInt8](repeating: 0x5B, count: depth) + [UInt8](repeating: 0x5D, count: depth)
            )
        }
        let open = Array("{\"a\":".utf8)
        return (
            "objects nested \(depth) deep",
            Array([[UInt8]](repeating: open, count: depth).joined()) + Array("1".utf8)
                + [UInt8](repeating: 0x7D, count: depth)
        )
    }

    static func quoted(_ bytes: [UInt8]) -> [UInt8] { [0x22] + bytes + [0x22] }
}
