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

    /// Creates limits.
    public init(
        readTimeout: Double = 30, idleTimeout: Double = 60, maxConnections: Int = 512, maxBodyBytes: Int = 64 * 1024
    ) {
        self.readTimeout = readTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
        self.maxBodyBytes = maxBodyBytes
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
