/// One HTTP/1.1 request, for a kept-alive connection or one that carries only it.
struct HTTPRequest {
    /// `GET`, `POST`, `DELETE`.
    var method: String
    /// The path with its query, already percent-encoded.
    var target: String
    /// The body, if any.
    var body: [UInt8]?
    /// The body's media type.
    var contentType = "application/json"
    /// False asks the daemon to close the connection after its answer (`Connection: close`), as
    /// for an event stream, which no other request can follow.
    var keepAlive = true

    /// Methods whose empty body is still announced with `Content-Length: 0`, as RFC 9110 advises
    /// for methods that usually carry one.
    private static let bodyMethods: Set<String> = ["POST", "PUT", "PATCH"]

    /// Methods a client may repeat after a lost connection without asking (RFC 9110 9.2.2).
    private static let idempotentMethods: Set<String> = ["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"]

    /// Whether sending the request twice has the effect of sending it once.
    var isIdempotent: Bool { Self.idempotentMethods.contains(method) }

    /// Refuses a method or target that would break the request line (spaces, CR, LF, empty).
    func validate() throws(ClientError) {
        guard !method.isEmpty, method.utf8.allSatisfy(Self.isTokenByte) else {
            throw .invalidRequest("invalid HTTP method \"\(method)\"")
        }
        guard target.utf8.first == UInt8(ascii: "/"), target.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw .invalidRequest("invalid request target \"\(target)\" (it must start with / and be percent-encoded)")
        }
    }

    /// The bytes on the wire, built straight into one array: a poller sends one every second,
    /// on cores it shares with the render.
    func serialized() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(method.utf8.count + target.utf8.count + Self.fixedHeaders.count + 80 + (body?.count ?? 0))
        bytes += method.utf8
        bytes.append(UInt8(ascii: " "))
        bytes += target.utf8
        bytes += Self.fixedHeaders
        if let body {
            bytes += "Content-Type: \(contentType)\r\nContent-Length: \(body.count)\r\n".utf8
        } else if Self.bodyMethods.contains(method) {
            bytes += "Content-Length: 0\r\n".utf8
        }
        // HTTP/1.1 keeps a connection alive unless a side says otherwise.
        bytes += keepAlive ? "\r\n".utf8 : "Connection: close\r\n\r\n".utf8
        if let body { bytes += body }
        return bytes
    }

    /// The end of the request line and the headers every request carries.
    private static let fixedHeaders = Array(
        " HTTP/1.1\r\nHost: localhost\r\nUser-Agent: MosaicClient/1\r\nAccept: application/json\r\n".utf8)

    /// RFC 9110's `tchar`: letters, digits and `!#$%&'*+-.^_`|~`.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"),
            UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"),
            UInt8(ascii: "_"),
            UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }
}
