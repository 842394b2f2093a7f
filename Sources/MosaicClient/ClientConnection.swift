import Glibc

/// One connection to the daemon and its read buffer, reused request after request while both
/// sides keep it alive.
///
/// Unchecked Sendable: used by one call at a time, which takes it out of `MosaicClient`'s idle
/// slot under the slot's lock and puts it back the same way when done.
final class ClientConnection: @unchecked Sendable {
    /// The buffered connection.
    let stream: ByteStream
    /// Requests sent on it so far.
    private(set) var requestCount = 0
    private var receivedBeforeRequest = 0

    private init(stream: ByteStream) { self.stream = stream }

    /// Connects to the daemon's socket.
    static func open(path: String, timeout: Double) throws(ClientError) -> ClientConnection {
        ClientConnection(
            stream: ByteStream(socket: try UnixSocket.open(path: path, timeout: timeout), timeout: timeout))
    }

    /// Sends `request` and reads the answer's head; the caller reads the body.
    func send(_ request: HTTPRequest, timeout: Double) throws(ClientError) -> (HTTPResponseHead, HTTPBodyReader) {
        requestCount += 1
        receivedBeforeRequest = stream.receivedCount
        // A daemon may answer (413, say) and close before reading the whole request: then the
        // write fails but the answer is still there to read, and it explains more than EPIPE.
        var sendError: ClientError?
        do {
            try stream.socket.write(request.serialized(), timeout: timeout)
            stream.awaitingAnswer = stream.isDrained
        } catch { sendError = error }
        let head: HTTPResponseHead
        do { head = try HTTPResponseHead.read(from: stream) } catch { throw sendError ?? error }
        return (head, HTTPBodyReader(stream: stream, framing: try head.framing(method: request.method)))
    }

    /// Whether the connection can carry another request: the daemon said nothing of closing it,
    /// and no byte beyond the answer has been read. Call once the whole body of the last answer
    /// has been read. Whether it is still open and quiet is asked when it is taken for the next
    /// call (`isOpenAndQuiet`), which is when it matters: a poller's next call is a second away.
    func isReusable(after head: HTTPResponseHead, body: HTTPBodyReader) -> Bool {
        head.keepsConnectionAlive && body.framing != .untilClose && stream.isDrained
    }

    /// Whether every byte received has been read and nothing more has come: no stray bytes after
    /// the last answer, and no end of the connection (the daemon's idle timeout, a restart).
    var isOpenAndQuiet: Bool { stream.isDrained && stream.socket.isQuiet }

    /// Whether `request`, which failed with `error` on this kept-alive connection, may be sent
    /// again on a new one: the connection broke before any byte of the answer, and either the
    /// request is idempotent or the daemon never read all of it (the write failed, or the
    /// connection was reset with our bytes unread: what the daemon's idle timeout does when it
    /// closes the connection as the request arrives). A daemon that read a `POST` and then
    /// closed may have acted on it, so that is not repeated.
    func mayResend(_ request: HTTPRequest, after error: ClientError) -> Bool {
        guard requestCount > 1, case .connectionLost = error, stream.receivedCount == receivedBeforeRequest else {
            return false
        }
        let failure = stream.socket.lastFailure
        return request.isIdempotent || failure == EPIPE || failure == ECONNRESET
    }
}
