/// Buffered reads from a socket: lines for the response head, exact counts and whatever has
/// arrived for bodies.
final class ByteStream {
    /// Seconds to wait for each read; nil waits as long as the connection stays open.
    var timeout: Double?
    /// The socket's path, for error messages.
    var path: String { socket.path }

    /// Bytes received since the connection opened.
    private(set) var receivedCount = 0
    /// Whether every byte received has been read and the daemon has not closed its side: then
    /// the next answer on the connection starts with the next byte.
    var isDrained: Bool { position == buffer.count && !sawEnd }

    /// The connection.
    let socket: UnixSocket
    private var buffer: [UInt8] = []
    private var position = 0
    private var sawEnd = false
    /// What each read lands in before it joins `buffer`, allocated once per connection.
    private var scratch = [UInt8](repeating: 0, count: 65_536)
    /// Set when a request has just been sent: the next read waits for the answer first.
    var awaitingAnswer = false

    init(socket: UnixSocket, timeout: Double?) {
        self.socket = socket
        self.timeout = timeout
    }

    /// A line ending in CRLF (or a bare LF, as lenient HTTP parsers accept), without its ending.
    /// Nil when the connection ends before the line's first byte.
    func readLine(limit: Int) throws(ClientError) -> [UInt8]? {
        var scanned = 0  // bytes after `position` already searched; fill() may move `position`
        while true {
            if let newline = buffer[(position + scanned)...].firstIndex(of: UInt8(ascii: "\n")) {
                var end = newline
                if end > position, buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                let line = Array(buffer[position..<end])
                position = newline + 1
                return line
            }
            scanned = buffer.count - position
            guard scanned <= limit else {
                throw .protocolViolation("a line of the answer is longer than \(limit) bytes")
            }
            guard try fill() else {
                if position == buffer.count { return nil }
                throw .connectionLost(socket: path, reason: "the daemon closed the connection in the middle of a line")
            }
        }
    }

    /// Exactly `count` bytes; the connection ending first is an error.
    func readExactly(_ count: Int) throws(ClientError) -> [UInt8] {
        while buffer.count - position < count {
            guard try fill() else {
                throw .connectionLost(
                    socket: path,
                    reason: "the daemon closed the connection \(buffer.count - position) "
                        + "bytes into a body part of \(count)")
            }
        }
        defer { position += count }
        return Array(buffer[position..<position + count])
    }

    /// Whatever is buffered or arrives next, at most `maximum` bytes; empty once the connection ended.
    func readSome(maximum: Int) throws(ClientError) -> [UInt8] {
        if position == buffer.count, !(try fill()) { return [] }
        let count = min(maximum, buffer.count - position)
        defer { position += count }
        return Array(buffer[position..<position + count])
    }

    /// Appends the next read to the buffer; false once the daemon has closed the connection.
    private func fill() throws(ClientError) -> Bool {
        if sawEnd { return false }
        if position > 0, position * 2 >= buffer.count {  // drop consumed bytes before growing
            buffer.removeSubrange(..<position)
            position = 0
        }
        let waitFirst = awaitingAnswer
        awaitingAnswer = false
        let socket = self.socket
        let timeout = self.timeout
        let count = try scratch.withUnsafeMutableBytes { raw in
            Result { () throws(ClientError) in try socket.read(into: raw, timeout: timeout, awaitingAnswer: waitFirst) }
        }.get()
        if count == 0 {
            sawEnd = true
            return false
        }
        receivedCount += count
        buffer += scratch[..<count]
        return true
    }
}
