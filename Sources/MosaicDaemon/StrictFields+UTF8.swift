import MosaicAPI

extension StrictFields {
    /// Throws 400 naming the field whose string holds the first byte sequence of `body` that is
    /// not valid UTF-8 (JSON text must be UTF-8; a prompt of mangled bytes must not render).
    /// Also refuses `\\uD800`-style escapes of a lone UTF-16 surrogate, which decode to no character.
    static func checkUTF8(_ body: [UInt8]) throws(APIError) {
        if let offset = firstInvalidUTF8(body) {
            let field = enclosingField(body, before: offset).map { "'\($0)'" } ?? "of the body"
            throw APIError(.badRequest, "invalid \(field): not valid UTF-8 (byte \(offset) of the body)")
        }
        if let offset = firstLoneSurrogateEscape(body) {
            let field = enclosingField(body, before: offset).map { "'\($0)'" } ?? "of the body"
            throw APIError(
                .badRequest, "invalid \(field): \\u escape of a lone UTF-16 surrogate (byte \(offset) of the body)")
        }
    }

    /// The offset of the first `\\uXXXX` escape of a surrogate that is not a high one directly
    /// followed by the escape of a low one.
    static func firstLoneSurrogateEscape(_ bytes: [UInt8]) -> Int? {
        func unit(at i: Int) -> UInt16? {
            guard i + 6 <= bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                return nil
            }
            return UInt16(String(decoding: bytes[(i + 2)..<(i + 6)], as: UTF8.self), radix: 16)
        }
        var i = 0
        while i < bytes.count {
            guard bytes[i] == UInt8(ascii: "\\") else {
                i += 1
                continue
            }
            guard let value = unit(at: i) else {
                i += 2
                continue
            }  // another escape: skip its two bytes
            switch value {
            case 0xD800...0xDBFF:
                guard let next = unit(at: i + 6), (0xDC00...0xDFFF).contains(next) else { return i }
                i += 12
            case 0xDC00...0xDFFF: return i
            default: i += 6
            }
        }
        return nil
    }

    /// The offset of the first byte that does not start or continue a valid UTF-8 sequence.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var offset = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): offset += UTF8.width(scalar)
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }

    /// The key of the string value that `offset` falls in: the last `"key":` before it.
    static func enclosingField(_ bytes: [UInt8], before offset: Int) -> String? {
        let prefix = String(decoding: bytes.prefix(offset), as: UTF8.self)
        var best: String?
        var rest = Substring(prefix)
        while let colon = rest.firstIndex(of: ":") {
            let head = rest[..<colon].trimmingSuffix(while: { $0 == " " })
            if head.hasSuffix("\""), let open = head.dropLast().lastIndex(of: "\"") {
                best = String(head[head.index(after: open)..<head.index(before: head.endIndex)])
            }
            rest = rest[rest.index(after: colon)...]
        }
        return best
    }
}

extension Substring {
    fileprivate func trimmingSuffix(while predicate: (Character) -> Bool) -> Substring {
        var end = endIndex
        while end > startIndex, predicate(self[index(before: end)]) { end = index(before: end) }
        return self[startIndex..<end]
    }
}
