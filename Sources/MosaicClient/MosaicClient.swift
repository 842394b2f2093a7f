import Foundation
import MosaicAPI

/// A blocking client of mosaicd's HTTP/1.1 JSON API on its Unix socket.
///
/// Every call opens a connection, sends one request with `Connection: close`, reads the answer
/// and closes: the daemon is local and calls are rare, so there is no pool to keep healthy.
/// Calls are safe from any thread; they share nothing but the two settings.
public final class MosaicClient: Sendable {
    /// The daemon's socket.
    public let socketPath: String
    /// Seconds to wait for the connection and for each read or write: an idle timeout, so a
    /// large download may take longer as long as bytes keep arriving.
    public let timeout: Double

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
        -> (status: Int, headers: [String: String], body: [UInt8]) {
        let (head, reader) = try open(HTTPRequest(method: method, target: path, body: body))
        return (head.status, head.headers, try reader.readAll())
    }

    /// Sends `request` and reads the response head; the caller reads the body.
    func open(_ request: HTTPRequest) throws(ClientError) -> (HTTPResponseHead, HTTPBodyReader) {
        try request.validate()
        let socket = try UnixSocket.open(path: socketPath, timeout: timeout)
        // A daemon may answer (413, say) and close before reading the whole request: then the
        // write fails but the answer is still there to read, and it explains more than EPIPE.
        var sendError: ClientError?
        do { try socket.write(request.serialized(), timeout: timeout) } catch { sendError = error }
        let stream = ByteStream(socket: socket, timeout: timeout)
        let head: HTTPResponseHead
        do { head = try HTTPResponseHead.read(from: stream) } catch { throw sendError ?? error }
        return (head, HTTPBodyReader(stream: stream, framing: try head.framing(method: request.method)))
    }

    /// Sends a request and returns the body of a 2xx answer; other statuses become `.api`.
    func send(_ method: String, _ target: String, body: [UInt8]? = nil) throws(ClientError) -> [UInt8] {
        let (head, reader) = try open(HTTPRequest(method: method, target: target, body: body))
        let bytes = try reader.readAll()
        guard (200..<300).contains(head.status) else { throw APIErrorMapping.error(status: head.status, body: bytes) }
        return bytes
    }

    /// Sends a request without a body and decodes the JSON answer as `T`.
    func call<T: Decodable>(_ method: String, _ target: String, as type: T.Type = T.self) throws(ClientError) -> T {
        try decode(T.self, from: try send(method, target))
    }

    /// Like `call(_:_:as:)` with `body` encoded as JSON.
    func call<T: Decodable>(_ method: String, _ target: String, json body: some Encodable, as type: T.Type = T.self)
        throws(ClientError) -> T {
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
