import Foundation
import MosaicAPI
import Synchronization

/// A blocking client of mosaicd's HTTP/1.1 JSON API on its Unix socket.
///
/// A call reuses the connection the previous call left open, so a client that polls does not
/// pay for a new connection (the daemon's accept and pipeline set-up, and its close) each
/// time. A connection the daemon has closed meanwhile (its `idle_timeout`, a restart) is
/// replaced; a request it broke off is sent again on a new connection only when that cannot
/// act twice (see `ClientConnection.mayResend`). Calls are safe from any thread: one
/// connection is kept idle, and a call that finds it in use opens its own, closed afterwards
/// unless the slot is free again. An event stream always has a connection of its own.
public final class MosaicClient: Sendable {
    /// The daemon's socket.
    public let socketPath: String
    /// Seconds to wait for the connection and for each read or write: an idle timeout, so a
    /// large download may take longer as long as bytes keep arriving.
    public let timeout: Double

    /// The connection kept open between calls.
    private let idleConnection = Mutex<ClientConnection?>(nil)

    /// Creates a client; nothing is connected until the first call.
    public init(socketPath: String = MosaicClient.defaultSocketPath, timeout: Double = 30) {
        self.socketPath = socketPath
        self.timeout = timeout
    }

    /// `$MOSAIC_SOCKET` if set and non-empty, else `/run/mosaic/mosaicd.sock`.
    public static var defaultSocketPath: String {
        if let path = ProcessInfo.processInfo.environment["MOSAIC_SOCKET"], !path.isEmpty { return path }
        return "/run/mosaic/mosaicd.sock"
    }

    /// Sends any request and returns the answer as it came, error statuses included.
    /// Header names are lowercased.
    public func raw(method: String, path: String, body: [UInt8]?) throws(ClientError)
        -> (status: Int, headers: [String: String], body: [UInt8])
    {
        let (head, bytes) = try exchange(HTTPRequest(method: method, target: path, body: body))
        return (head.status, head.headers, bytes)
    }

    /// Sends `request` on a connection of its own that closes after the answer, and reads the
    /// answer's head; the caller reads the body (an event stream, which nothing can follow).
    func open(_ request: HTTPRequest) throws(ClientError) -> (HTTPResponseHead, HTTPBodyReader) {
        var request = request
        request.keepAlive = false
        try request.validate()
        return try ClientConnection.open(path: socketPath, timeout: timeout).send(request, timeout: timeout)
    }

    /// Sends `request` on the kept-alive connection (or a new one) and reads the whole answer;
    /// the connection is kept for the next call if both sides can go on with it.
    func exchange(_ request: HTTPRequest) throws(ClientError) -> (HTTPResponseHead, [UInt8]) {
        try request.validate()
        // One the daemon has closed since (its idle timeout, a restart) is dropped unused.
        if let kept = idleConnection.withLock({ $0.take() }), kept.isOpenAndQuiet {
            do { return try exchange(request, on: kept) } catch {
                guard kept.mayResend(request, after: error) else { throw error }
            }
        }
        return try exchange(request, on: try ClientConnection.open(path: socketPath, timeout: timeout))
    }

    private func exchange(_ request: HTTPRequest, on connection: ClientConnection) throws(ClientError)
        -> (HTTPResponseHead, [UInt8])
    {
        let (head, reader) = try connection.send(request, timeout: timeout)
        let body = try reader.readAll()
        if connection.isReusable(after: head, body: reader) {
            // A concurrent call may have left its connection first; then this one closes.
            idleConnection.withLock { if $0 == nil { $0 = connection } }
        }
        return (head, body)
    }

    /// Sends a request and returns the body of a 2xx answer; other statuses become `.api`.
    func send(_ method: String, _ target: String, body: [UInt8]? = nil) throws(ClientError) -> [UInt8] {
        let (head, bytes) = try exchange(HTTPRequest(method: method, target: target, body: body))
        guard (200..<300).contains(head.status) else { throw APIErrorMapping.error(status: head.status, body: bytes) }
        return bytes
    }

    /// Sends a request without a body and decodes the JSON answer as `T`.
    func call<T: Decodable>(_ method: String, _ target: String, as type: T.Type = T.self) throws(ClientError) -> T {
        try decode(T.self, from: try send(method, target))
    }

    /// Like `call(_:_:as:)` with `body` encoded as JSON.
    func call<T: Decodable>(_ method: String, _ target: String, json body: some Encodable, as type: T.Type = T.self)
        throws(ClientError) -> T
    {
        let bytes: [UInt8]
        do { bytes = Array(try APICoding.encoder().encode(body)) } catch {
            throw .invalidRequest(describe(error))
        }
        return try decode(T.self, from: try send(method, target, body: bytes))
    }

    /// Decodes a 2xx body, naming the expected type on failure.
    func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws(ClientError) -> T {
        do { return try APICoding.decoder().decode(T.self, from: Data(bytes)) } catch {
            throw .undecodable(type: String(describing: T.self), reason: describe(error))
        }
    }
}

/// A decoding error in one line: where in the JSON and what was wrong.
func describe(_ error: any Error) -> String {
    func at(_ path: [any CodingKey]) -> String {
        path.isEmpty ? "" : " at " + path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
    switch error as? DecodingError {
    case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
        return context.debugDescription + at(context.codingPath)
    case .keyNotFound(let key, let context):
        return "missing key \"\(key.stringValue)\"" + at(context.codingPath)
    default:
        if case .invalidValue(let value, let context) = error as? EncodingError {
            return "invalid value \(value)" + at(context.codingPath)
        }
        return "\(error)"
    }
}
