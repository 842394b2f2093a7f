/// Recognises the request shapes that scripts send, each exactly one whole HTTP/1.1 request in
/// one read, and nothing that changes how the connection or the message is framed:
///
/// - `.get(target:)`: a `GET` with no body. `KeptAnswerFastPath` may answer it from the raw
///   bytes, before the HTTP codec.
/// - `.whole`: a `GET`, `POST` or `DELETE` whose body, if any, is exactly `Content-Length`
///   bytes and ends the read. The codec reads it to its end, so once its answer has ended the
///   codec is between messages and the connection's next plain GET may be answered here again
///   (a script that submits a job and then polls it keeps the fast path).
///
/// Both are strict subsets of what the codec (llhttp) accepts, so a request recognised here means
/// the same to both. Anything else (another method, HTTP/1.0, `Transfer-Encoding`, `Connection`,
/// `Expect`, two `Content-Length`s, obsolete line folding, bytes outside printable ASCII, a
/// request cut in two reads or followed by another) is not recognised: it goes to the codec, and
/// the connection with it for good.
enum PlainRequest {
    /// What a recognised request is to the fast path.
    enum Shape: Equatable {
        /// A bodiless GET of `target` (path and query).
        case get(target: String)
        /// Any other whole request: the codec answers it.
        case whole
    }

    /// The shape of `bytes` if they are exactly one whole plain request, else nil.
    static func shape(_ bytes: UnsafeRawBufferPointer) -> Shape? {
        let count = bytes.count
        guard count >= 18, let method = methods.firstIndex(where: { bytes.starts(with: $0) }) else { return nil }
        // The request line: method, space, target, " HTTP/1.1" CRLF, the target a path from "/"
        // and a query, in RFC 3986's characters.
        var index = methods[method].count
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
        var contentLength: Int?
        while index + 1 < count, !(bytes[index] == cr && bytes[index + 1] == lf) {
            headers += 1
            guard headers <= maximumHeaders, index < maximumHeadLength else { return nil }
            let nameStart = index
            while index < count, isTokenByte(bytes[index]) { index += 1 }
            guard index > nameStart, index < count, bytes[index] == UInt8(ascii: ":") else { return nil }
            let name = UnsafeRawBufferPointer(rebasing: bytes[nameStart..<index])
            index += 1
            let valueStart = index
            while index < count, bytes[index] != cr {
                let byte = bytes[index]
                guard (byte >= 0x20 && byte < 0x7F) || byte == tab else { return nil }
                index += 1
            }
            guard index + 1 < count, bytes[index + 1] == lf else { return nil }
            if equalsLowercased(name, contentLengthName) {
                guard contentLength == nil,
                      let length = decimal(UnsafeRawBufferPointer(rebasing: bytes[valueStart..<index])) else { return nil }
                contentLength = length
            } else if isFramingHeader(name) {
                return nil
            }
            index += 2
        }
        // The blank line, then the body: exactly Content-Length bytes, nothing pipelined after it.
        let bodyStart = index + 2
        guard bodyStart <= maximumHeadLength, bodyStart + (contentLength ?? 0) == count else { return nil }
        guard method == getMethod, contentLength == nil else { return .whole }
        return .get(target: String(decoding: UnsafeRawBufferPointer(rebasing: bytes[targetStart..<targetEnd]), as: UTF8.self))
    }

    /// Longer heads go to the codec, which has the limits and the 431 for them.
    static let maximumHeadLength = 8192
    static let maximumHeaders = 32

    /// The methods of the API, each with the space after it; GET first.
    private static let methods = ["GET ", "POST ", "DELETE "].map { Array($0.utf8) }
    private static let getMethod = 0
    private static let versionSuffix = Array(" HTTP/1.1\r\n".utf8)
    private static let cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n"), space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")
    private static let contentLengthName = Array("content-length".utf8)

    /// Headers other than `Content-Length` that frame the message or change the connection,
    /// compared in lower case.
    private static let framingHeaders: [[UInt8]] = [
        "transfer-encoding", "connection", "upgrade", "expect", "te", "trailer", "keep-alive", "proxy-connection",
        "http2-settings",
    ].map { Array($0.utf8) }

    private static func isFramingHeader(_ name: UnsafeRawBufferPointer) -> Bool {
        framingHeaders.contains { equalsLowercased(name, $0) }
    }

    /// Whether `name`, in any case, is `lowercased` (a token: letters fold by their 0x20 bit).
    private static func equalsLowercased(_ name: UnsafeRawBufferPointer, _ lowercased: [UInt8]) -> Bool {
        lowercased.count == name.count && zip(lowercased, name).allSatisfy { $0 == ($1 | 0x20) }
    }

    /// A header value of one to eight decimal digits after optional spaces and tabs and before
    /// optional spaces (llhttp refuses a tab after the digits).
    private static func decimal(_ value: UnsafeRawBufferPointer) -> Int? {
        let digits = value.drop { $0 == space || $0 == tab }.reversed().drop { $0 == space }.reversed()
        guard (1...8).contains(digits.count) else { return nil }
        var number = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            number = number * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return number
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
