/// A JSON syntax check (RFC 8259) that builds nothing: the load test's clients check every
/// answer with it, because JSONSerialization builds an NSDictionary of every answer, which costs
/// the cores the render shares more than the daemon's own work. It is stricter than Foundation,
/// which tolerates trailing commas, and checks syntax only, not that strings are valid UTF-8.
///
/// It reads the answer through an unsafe buffer, a string's plain bytes eight at a time, because
/// the clients' CPU is taken from the render they measure (`JSONSyntaxTests` checks it against
/// Foundation).
struct JSONSyntax {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var depth = 0

    /// Whether `bytes` is one JSON object, surrounded by whitespace at most.
    static func isObject(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            var parser = JSONSyntax(bytes: buffer)
            parser.skipWhitespace()
            guard parser.peek == UInt8(ascii: "{"), parser.value() else { return false }
            parser.skipWhitespace()
            return parser.index == buffer.count
        }
    }

    private init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    private var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipWhitespace() {
        while let byte = peek, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        guard peek == byte else { return false }
        index += 1
        return true
    }

    private mutating func value() -> Bool {
        skipWhitespace()
        guard let byte = peek else { return false }
        switch byte {
        case UInt8(ascii: "{"): return container(close: UInt8(ascii: "}"), keyed: true)
        case UInt8(ascii: "["): return container(close: UInt8(ascii: "]"), keyed: false)
        case UInt8(ascii: "\""): return string()
        case UInt8(ascii: "t"): return literal("true")
        case UInt8(ascii: "f"): return literal("false")
        case UInt8(ascii: "n"): return literal("null")
        default: return number()
        }
    }

    private mutating func container(close: UInt8, keyed: Bool) -> Bool {
        depth += 1
        defer { depth -= 1 }
        guard depth <= 512 else { return false }
        index += 1
        skipWhitespace()
        if consume(close) { return true }
        while true {
            if keyed {
                skipWhitespace()
                guard string() else { return false }
                skipWhitespace()
                guard consume(UInt8(ascii: ":")) else { return false }
            }
            guard value() else { return false }
            skipWhitespace()
            if consume(close) { return true }
            guard consume(UInt8(ascii: ",")) else { return false }
        }
    }

    private mutating func string() -> Bool {
        guard consume(UInt8(ascii: "\"")) else { return false }
        while index < bytes.count {
            skipPlainWords()
            guard index < bytes.count else { return false }
            let byte = bytes[index]
            index += 1
            // Plain bytes (neither a quote, a backslash nor a control character) go by here.
            if byte >= 0x20, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") { continue }
            switch byte {
            case UInt8(ascii: "\""): return true
            case UInt8(ascii: "\\"):
                guard let escaped = peek else { return false }
                index += 1
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                    UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    continue
                case UInt8(ascii: "u"):
                    for _ in 0..<4 {
                        guard let hex = peek,
                            (0x30...0x39).contains(hex) || (0x41...0x46).contains(hex)
                                || (0x61...0x66).contains(hex)
                        else { return false }
                        index += 1
                    }
                default: return false
                }
            default: return false  // a control character
            }
        }
        return false
    }

    /// Skips to the first quote, backslash or control character, eight bytes at a time, or to
    /// where fewer than eight are left (SWAR: a byte of `word ^ pattern` is zero where `word`
    /// has the pattern's byte, and `x - 0x01..01 & ~x` sets the high bit of the lowest byte of
    /// `x` below 0x01, and maybe of bytes above it that a borrow reached, never below; the same
    /// with 0x20 finds a control character; bytes from 0x80 never match). Words are read
    /// little-endian, so the lowest bit set marks the first such byte. Stopping at the word and
    /// going on byte by byte is no faster, most strings being short.
    private mutating func skipPlainWords() {
        guard let base = bytes.baseAddress else { return }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while index + 8 <= bytes.count {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
            let quote = word ^ (ones &* 0x22)
            let backslash = word ^ (ones &* 0x5C)
            let special =
                (((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((word &- ones &* 0x20) & ~word))
                & highs
            if special != 0 {
                index += special.trailingZeroBitCount / 8
                return
            }
            index += 8
        }
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let text = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        guard index + text.count <= bytes.count, bytes[index..<index + text.count].elementsEqual(text) else {
            return false
        }
        index += text.count
        return true
    }

    private mutating func number() -> Bool {
        func digits() -> Int {
            let start = index
            while let byte = peek, (0x30...0x39).contains(byte) { index += 1 }
            return index - start
        }
        _ = consume(UInt8(ascii: "-"))
        if consume(UInt8(ascii: "0")) {
            // no leading zeros
        } else if digits() == 0 {
            return false
        }
        if consume(UInt8(ascii: ".")), digits() == 0 { return false }
        if consume(UInt8(ascii: "e")) || consume(UInt8(ascii: "E")) {
            _ = consume(UInt8(ascii: "+")) || consume(UInt8(ascii: "-"))
            if digits() == 0 { return false }
        }
        return true
    }
}
