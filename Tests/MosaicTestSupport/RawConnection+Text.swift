/// Text-level helpers for tests that stall, trickle bytes or hold connections open.
extension RawConnection {
    /// Connects to `path`, waiting up to five seconds for room in the backlog.
    public static func connect(_ path: String) throws(RawConnectionError) -> RawConnection {
        try connect(path: path, timeout: 5)
    }

    /// Sends `text`; false if the daemon has closed the connection.
    @discardableResult
    public func send(_ text: String) -> Bool {
        send(Array(text.utf8), until: MonotonicClock.now + 5)
    }

    /// Sends a complete GET request.
    @discardableResult
    public func get(_ path: String, keepAlive: Bool = true) -> Bool {
        send("GET \(path) HTTP/1.1\r\nHost: mosaicd\r\nConnection: \(keepAlive ? "keep-alive" : "close")\r\n\r\n")
    }

    /// Every byte that arrives within `timeout` seconds or until the peer closes.
    public func readBytes(timeout: Double) -> (bytes: [UInt8], closed: Bool) {
        let bytes = receive(until: MonotonicClock.now + timeout) { _ in false }
        return (bytes, closedByPeer)
    }

    /// What arrives within `timeout` seconds, until `marker` is found in it or the peer closes.
    /// `closed` tells whether the peer closed (EOF or reset).
    public func read(timeout: Double, until marker: String? = nil) -> (text: String, closed: Bool) {
        let bytes = receive(until: MonotonicClock.now + timeout) { received in
            marker.map { String(decoding: received, as: UTF8.self).contains($0) } ?? false
        }
        return (String(decoding: bytes, as: UTF8.self), closedByPeer)
    }

    /// Seconds until the peer closes the connection, or nil if it stays open for `timeout`.
    public func secondsUntilClosed(timeout: Double) -> Double? {
        let start = MonotonicClock.now
        _ = readBytes(timeout: timeout)
        return closedByPeer ? MonotonicClock.now - start : nil
    }
}

/// The status code of the first HTTP response in `text`, if any.
public func httpStatus(_ text: String) -> Int? {
    guard text.hasPrefix("HTTP/1.1 ") else { return nil }
    return Int(text.dropFirst(9).prefix(3))
}
