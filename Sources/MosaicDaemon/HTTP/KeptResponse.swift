import NIOCore
import NIOHTTP1

/// A 200 answer the daemon keeps whole (`ResponseCache`): the HTTP/1.1 keep-alive message that
/// `KeptAnswerFastPath` writes for it, head and body, built once when it is kept. The body is
/// kept only there: the codec's path and listings composed from kept jobs read it in place.
///
/// Under 200 polling clients (`perf` of the load test), building each answer's head and copying
/// its body into a fresh buffer were 48 of the 111 samples of the fast path's write, the rest
/// being NIO's write to the socket, every time for the same bytes. A kept answer's head depends
/// only on its body and media type, so it is made once here; the fast path then writes `wire`,
/// which shares its storage (no copy).
public struct KeptResponse: Sendable {
    /// Its media type.
    public let contentType: String
    /// The whole answer to an HTTP/1.1 request that keeps the connection alive.
    let wire: ByteBuffer
    /// The body's bytes within `wire`, sharing its storage: what the codec's path writes.
    let bodyOnWire: ByteBuffer

    /// A 200 with `body` of type `contentType`.
    public init(contentType: String, body: [UInt8]) {
        self.contentType = contentType
        let response = HTTPResponse(contentType: contentType, body: .bytes(body))
        wire = Self.serialize(response.head(version: .http1_1, keepAlive: true), body: body)
        bodyOnWire = wire.getSlice(at: wire.writerIndex - body.count, length: body.count) ?? ByteBuffer(bytes: body)
    }

    /// The body, read in place.
    var body: ByteBufferView { bodyOnWire.readableBytesView }

    /// The answer for the codec's path, which writes its own head for the request's version and
    /// keep-alive.
    public var response: HTTPResponse { HTTPResponse(contentType: contentType, body: .buffer(bodyOnWire)) }

    /// `head` and `body` as NIO's `HTTPResponseEncoder` writes them (`KeptResponseTests` checks).
    static func serialize(_ head: HTTPResponseHead, body: [UInt8]) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: 256 + body.count)
        buffer.writeString("HTTP/1.1 \(head.status.code) \(head.status.reasonPhrase)\r\n")
        for (name, value) in head.headers { buffer.writeString("\(name): \(value)\r\n") }
        buffer.writeString("\r\n")
        buffer.writeBytes(body)
        return buffer
    }
}
