/// Recognises the one request shape that pollers send: a whole `GET` of HTTP/1.1 with no body
/// and no header that changes how the connection or the message is framed.
///
/// `KeptAnswerFastPath` answers such a request from the raw bytes, before the HTTP codec. The
/// shape is a strict subset of what the codec (llhttp) accepts, so a request recognised here
/// means the same to both; anything else (another method, HTTP/1.0, a body, `Connection`,
/// `Expect`, obsolete line folding, bytes outside printable ASCII, a request cut in two reads
/// or followed by another) is not recognised and goes to the codec as before.
enum PlainGET {
    /// The request target (path and query) of `bytes` if they are exactly one plain GET, else nil.
    static func target(_ bytes: UnsafeRawBufferPointer) -> String? {
        let count = bytes.count
        guard count >= 18, count <= maximumLength, bytes.starts(with: getPrefix),
              bytes[count - 4] == cr, bytes[count - 3] == lf, bytes[count - 2] == cr, bytes[count - 1] == lf else {
            return nil
        }
        // The request line: "GET " target " HTTP/1.1" CRLF, the target a path from "/" and a
        // query, in RFC 3986's characters.
        var index = getPrefix.count
        let targetStart = index
        guard bytes[index] == UInt8(ascii: "/") else { return nil }
        while index < count, bytes[index] != space {
            guard isTargetByte(bytes[index]) else { return nil }
            index += 1
        }
        let targetEnd = index
        guard count - index >= versionSuffix.count + 2,
              UnsafeRawBufferPointer(rebasing: bytes[index..<(index + versionSuffix.count)]).elementsEqual(versionSuffix) else {
            return nil
        }
        index += versionSuffix.count
        // Header lines: a token, a colon, a value of printable ASCII, spaces and tabs, CRLF.
        var headers = 0
        while index + 1 < count, !(bytes[index] == cr && bytes[index + 1] == lf) {
            headers += 1
            guard headers <= maximumHeaders else { return nil }
            let nameStart = index
            while index < count, isTokenByte(bytes[index]) { index += 1 }
            guard index > nameStart, index < count, bytes[index] == UInt8(ascii: ":") else { return nil }
            guard !isFramingHeader(UnsafeRawBufferPointer(rebasing: bytes[nameStart..<index])) else { return nil }
            index += 1
            while index < count, bytes[index] != cr {
                let byte = bytes[index]
                guard (byte >= 0x20 && byte < 0x7F) || byte == tab else { return nil }
                index += 1
            }
            guard index + 1 < count, bytes[index + 1] == lf else { return nil }
            index += 2
        }
        // The blank line must be the last bytes: nothing pipelined after it.
        guard index + 2 == count else { return nil }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[targetStart..<targetEnd]), as: UTF8.self)
    }

    /// Longer requests go to the codec, which has the limits and the 431 for them.
    static let maximumLength = 8192
    static let maximumHeaders = 32

    private static let getPrefix = Array("GET ".utf8)
    private static let versionSuffix = Array(" HTTP/1.1\r\n".utf8)
    private static let cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n"), space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")

    /// Headers that frame the message or change the connection, compared in lower case.
    private static let framingHeaders: [[UInt8]] = [
        "content-length", "transfer-encoding", "connection", "upgrade", "expect", "te", "trailer", "keep-alive",
        "proxy-connection", "http2-settings",
    ].map { Array($0.utf8) }

    private static func isFramingHeader(_ name: UnsafeRawBufferPointer) -> Bool {
        framingHeaders.contains { header in
            header.count == name.count && zip(header, name).allSatisfy { $0 == ($1 | 0x20) }
        }
    }

    /// RFC 3986's unreserved and reserved characters and `%`: what a path and query may hold.
    private static func isTargetByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return targetPunctuation.contains(byte)
        }
    }

    private static let targetPunctuation = Set("-._~!$&'()*+,;=:@/?%".utf8)

    /// RFC 9110's tchar: letters, digits and ``!#$%&'*+-.^_`|~``.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
             UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
             UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }
}
