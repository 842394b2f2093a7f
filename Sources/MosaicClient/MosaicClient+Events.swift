import MosaicAPI

extension MosaicClient {
    /// Streams `GET /v1/jobs/{id}/events`; calls `onEvent` per line until the stream ends or it
    /// returns false.
    ///
    /// The answer's head must come within the client's timeout. After that the stream may be
    /// quiet for hours (a queued job waits for the worker), so by default lines are awaited for
    /// as long as the daemon keeps the connection open; `idleTimeout` bounds each wait instead.
    /// A stream that ends without an `end` event (the daemon restarted) just returns: call
    /// `job(_:)` to learn what happened.
    public func events(_ id: Int64, idleTimeout: Double? = nil, onEvent: (JobEvent) -> Bool) throws(ClientError) {
        try eventLines(id, idleTimeout: idleTimeout) { (line) throws(ClientError) in
            onEvent(try decode(JobEvent.self, from: line))
        }
    }

    /// Streams `GET /v1/jobs/{id}/events` as its raw lines (each a JSON object, without the
    /// newline); calls `onLine` per line until the stream ends or it returns false. For programs
    /// that pass the lines on or look at few of them: decoding every event costs more than reading it.
    public func eventLines(
        _ id: Int64, idleTimeout: Double? = nil,
        onLine: ([UInt8]) throws(ClientError) -> Bool
    ) throws(ClientError) {
        let (head, reader) = try open(HTTPRequest(method: "GET", target: "/v1/jobs/\(id)/events", body: nil))
        guard (200..<300).contains(head.status) else {
            throw APIErrorMapping.error(status: head.status, body: try reader.readAll(limit: 1 << 20))
        }
        reader.stream.timeout = idleTimeout
        var splitter = LineSplitter()
        while let piece = try reader.next() {
            for line in try splitter.append(piece) where !line.isEmpty {
                guard try onLine(line) else { return }
            }
        }
        if let last = splitter.finish(), !last.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) {
            _ = try onLine(last)
        }
    }
}
