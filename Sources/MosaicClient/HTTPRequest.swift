/// One HTTP/1.1 request, serialised for a connection that carries only it (`Connection: close`).
struct HTTPRequest {
    /// `GET`, `POST`, `DELETE`.
    var method: String
    /// The path with its query, already percent-encoded.
    var target: String
    /// The body, if any.
    var body: [UInt8]?
    /// The body's media type.
    var contentType = "application/json"

    /// Methods whose empty body is still announced with `Content-Length: 0`, as RFC 9110 advises
    /// for methods that usually carry one.
    private static let bodyMethods: Set<String> = ["POST", "PUT", "PATCH"]

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
        head += "Connection: close\r\n\r\n"
        return Array(head.utf8) + (body ?? [])
    }

    private func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
