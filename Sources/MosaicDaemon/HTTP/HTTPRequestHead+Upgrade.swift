import NIOHTTP1

extension HTTPRequestHead {
    /// Whether this request asks to leave HTTP: a `CONNECT`, or an `Upgrade` with
    /// `Connection: upgrade`. NIO's decoder (llhttp) parses nothing after such a request, so the
    /// daemon answers it and closes the connection instead of keeping it alive.
    var endsHTTP: Bool {
        if method == .CONNECT { return true }
        let connection = headers[canonicalForm: "connection"].map { $0.lowercased() }
        return headers.contains(name: "upgrade") && connection.contains("upgrade")
    }
}
