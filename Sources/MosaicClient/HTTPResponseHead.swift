/// The status line and headers of a response.
struct HTTPResponseHead {
    /// How the body that follows is delimited.
    enum Framing: Equatable {
        case empty
        case contentLength(Int)
        case chunked
        /// HTTP/1.0 style: the body is everything until the daemon closes the connection.
        case untilClose
    }

    /// The status code, 100...599.
    var status: Int
    /// Header values by lowercased name; repeated headers are joined with ", " (RFC 9110 5.3).
    var headers: [String: String]
    /// `HTTP/1.1` or `HTTP/1.0`, as the status line says.
    var version = "HTTP/1.1"

    /// Whether the daemon keeps the connection open for another request: HTTP/1.1 does unless
    /// `Connection: close` says otherwise (HTTP/1.0's opt-in keep-alive is not used).
    var keepsConnectionAlive: Bool {
        let tokens = headers["connection"].map { HTTPToken.list(Array($0.utf8)) } ?? []
        return version == "HTTP/1.1" && status != 101 && !tokens.contains("close")
    }

    private static let lineLimit = 16_384
    private static let headerLimit = 100

    /// Reads the head, skipping interim 1xx answers.
    static func read(from stream: ByteStream) throws(ClientError) -> HTTPResponseHead {
        while true {
            guard let line = try stream.readLine(limit: lineLimit) else {
                throw .connectionLost(socket: stream.path, reason: "the daemon closed the connection without answering")
            }
            let (version, status) = try parseStatusLine(line)
            var headers: [String: String] = [:]
            var count = 0
            while let line = try stream.readLine(limit: lineLimit), !line.isEmpty {
                count += 1
                guard count <= headerLimit else { throw .protocolViolation("more than \(headerLimit) header lines") }
                guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0 else {
                    throw .protocolViolation("malformed header line \(quoted(line))")
                }
                // Bytes, not Strings: a poller reads a head every call, and header names and
                // values are ASCII, with no need for String's Unicode case mapping or grapheme
                // breaking.
                let name = String(decoding: line[..<colon].map(HTTPToken.lowercased), as: UTF8.self)
                let value = String(decoding: HTTPToken.trimmed(line[(colon + 1)...]), as: UTF8.self)
                headers[name] = headers[name].map { "\($0), \(value)" } ?? value
            }
            if (100..<200).contains(status), status != 101 { continue }
            return HTTPResponseHead(status: status, headers: headers, version: version)
        }
    }

    /// `HTTP/1.1 200 OK` -> ("HTTP/1.1", 200); anything else is not an HTTP answer.
    private static func parseStatusLine(_ line: [UInt8]) throws(ClientError) -> (version: String, status: Int) {
        // "HTTP/1.x", a space, three digits, then the end or a space and the reason.
        let prefix = Array("HTTP/1.".utf8)
        guard line.count >= 12, line.starts(with: prefix), line[8] == UInt8(ascii: " "),
            line.count == 12 || line[12] == UInt8(ascii: " "),
            line[9...11].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else {
            throw .protocolViolation("not an HTTP/1.x status line: \(quoted(line))")
        }
        let status = line[9...11].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        guard (100...599).contains(status) else {
            throw .protocolViolation("not an HTTP/1.x status line: \(quoted(line))")
        }
        return (String(decoding: line[..<8], as: UTF8.self), status)
    }

    /// How the body is delimited, for a response to `method`.
    func framing(method: String) throws(ClientError) -> Framing {
        if method == "HEAD" || status == 204 || status == 304 { return .empty }
        if let coding = headers["transfer-encoding"] {
            // Chunked must be the final coding; any other would need decoding we do not do.
            guard HTTPToken.list(Array(coding.utf8)).last == "chunked" else {
                throw .protocolViolation("unsupported Transfer-Encoding \"\(coding)\"")
            }
            return .chunked
        }
        if let length = headers["content-length"] {
            guard let count = Int(length), count >= 0 else {
                throw .protocolViolation("invalid Content-Length \"\(length)\"")
            }
            return .contentLength(count)
        }
        return .untilClose
    }
}

/// The first bytes of a line, quoted, for error messages about garbage.
func quoted(_ line: [UInt8]) -> String {
    let text = String(decoding: line.prefix(60), as: UTF8.self)
    return "\"\(text)\(line.count > 60 ? "..." : "")\""
}

/// Byte-level helpers for HTTP's case-insensitive tokens and optional whitespace.
enum HTTPToken {
    /// An ASCII letter in lower case; every other byte as it is.
    static func lowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
    }

    /// Without leading and trailing spaces and tabs (HTTP's optional whitespace).
    static func trimmed<C: BidirectionalCollection<UInt8>>(_ bytes: C) -> C.SubSequence {
        let isSpace: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) })
        else {
            return bytes[bytes.endIndex...]
        }
        return bytes[first...last]
    }

    /// A comma-separated header value's elements, trimmed and in lower case (`Connection`,
    /// `Transfer-Encoding`).
    static func list(_ value: [UInt8]) -> [String] {
        value.split(separator: UInt8(ascii: ",")).map {
            String(decoding: trimmed($0).map(lowercased), as: UTF8.self)
        }
    }
}
