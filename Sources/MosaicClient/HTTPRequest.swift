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
        let tokenBytes = Set("!#$%&'*+-.^_`|~".utf8)
        guard !method.isEmpty, method.utf8.allSatisfy({ isAlphanumeric($0) || tokenBytes.contains($0) }) else {
            throw .invalidRequest("invalid HTTP method \"\(method)\"")
        }
        guard target.hasPrefix("/"), target.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw .invalidRequest("invalid request target \"\(target)\" (it must start with / and be percent-encoded)")
        }
    }

    /// The bytes on the wire.
    func serialized() -> [UInt8] {
        var head = "\(method) \(target) HTTP/1.1\r\n"
        head += "Host: localhost\r\n"
        head += "User-Agent: MosaicClient/1\r\n"
        head += "Accept: application/json\r\n"
        if let body {
            head += "Content-Type: \(contentType)\r\n"
            head += "Content-Length: \(body.count)\r\n"
        } else if Self.bodyMethods.contains(method) {
            head += "Content-Length: 0\r\n"
        }
        // HTTP/1.1 keeps a connection alive unless a side says otherwise.
        head += keepAlive ? "\r\n" : "Connection: close\r\n\r\n"
        return Array(head.utf8) + (body ?? [])
    }

    private func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
