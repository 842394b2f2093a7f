/// Serialises requests by hand, as a client would or (with the options) as a careless one might.
public enum HTTPText {
    /// A request with `Host`, optional `Content-Type`, `Content-Length` for a body and a
    /// `Connection` header; `extraHeaders` go in as given.
    public static func request(
        _ method: String, _ target: String, body: [UInt8]? = nil, contentType: String? = "application/json",
        keepAlive: Bool = false, version: String = "HTTP/1.1", extraHeaders: [String] = []
    ) -> [UInt8] {
        var head = "\(method) \(target) \(version)\r\nHost: localhost\r\nUser-Agent: mosaic-fuzz\r\n"
        if let body {
            if let contentType { head += "Content-Type: \(contentType)\r\n" }
            head += "Content-Length: \(body.count)\r\n"
        }
        for header in extraHeaders { head += header + "\r\n" }
        head += keepAlive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n"
        return Array(head.utf8) + (body ?? [])
    }

    /// `body` in chunked transfer encoding, in chunks of at most `chunkSize` bytes.
    public static func chunked(_ body: [UInt8], chunkSize: Int) -> [UInt8] {
        var out: [UInt8] = []
        var offset = 0
        while offset < body.count {
            let end = min(body.count, offset + max(1, chunkSize))
            out += Array(String(end - offset, radix: 16).utf8) + [13, 10] + body[offset..<end] + [13, 10]
            offset = end
        }
        return out + Array("0\r\n\r\n".utf8)
    }
}
