import NIOHTTP1

/// The HTTP server's timeouts and caps, so that stalled, slow or too many clients cannot hold
/// its resources.
public struct HTTPServerLimits: Sendable, Equatable {
    /// Seconds from a request's first byte to the end of its body; then the connection is closed.
    public var readTimeout: Double
    /// Seconds a connection may stay open with no request in progress; then it is closed.
    public var idleTimeout: Double
    /// Connections served at once; each one beyond is answered 503 and closed.
    public var maxConnections: Int
    /// The largest request body; larger ones are answered 413.
    public var maxBodyBytes: Int
    /// The largest body of `POST /v1/batches`, whose prompts file may hold thousands of lines.
    public var maxBatchBodyBytes: Int
    /// The largest body of an image upload (`POST /v1/images`), the one route that takes files.
    public var maxUploadBytes: Int

    /// Creates limits.
    public init(
        readTimeout: Double = 30, idleTimeout: Double = 60, maxConnections: Int = 512, maxBodyBytes: Int = 64 * 1024,
        maxBatchBodyBytes: Int = 2 * 1024 * 1024, maxUploadBytes: Int = 256 << 20
    ) {
        self.readTimeout = readTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
        self.maxBodyBytes = maxBodyBytes
        self.maxBatchBodyBytes = maxBatchBodyBytes
        self.maxUploadBytes = maxUploadBytes
    }

    /// The largest body accepted for a request with this head: `maxUploadBytes` for an image
    /// upload (`POST /v1/images`), `maxBatchBodyBytes` for `POST /v1/batches`, `maxBodyBytes`
    /// for every other request.
    func bodyLimit(method: HTTPMethod, uri: String) -> Int {
        guard method == .POST else { return maxBodyBytes }
        let path = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        switch path {
        case "/v1/images": return max(maxBodyBytes, maxUploadBytes)
        case "/v1/batches": return max(maxBodyBytes, maxBatchBodyBytes)
        default: return maxBodyBytes
        }
    }

    /// The limits of a connection over the cap: it only waits for its request to answer 503, so
    /// at most 2 s, however long the usual timeouts, lest a flood of them hold descriptors.
    var refusing: HTTPServerLimits {
        var limits = self
        limits.readTimeout = min(readTimeout, 2)
        limits.idleTimeout = min(idleTimeout, 2)
        return limits
    }
}
