import MosaicAPI
import NIOCore

/// A job event as its stream line: encoded once when it is published and shared by every
/// watcher of the job (200 watchers cost one encoding, not 200).
public struct EncodedEvent: Sendable {
    /// The kind (an `end` closes the stream).
    public let type: JobEvent.Kind
    /// The event's JSON and a newline, shared by every stream the event is written to.
    let buffer: ByteBuffer
    /// `buffer` framed as one chunk of a chunked body (its length in hex, CRLF, the line, CRLF),
    /// as NIO's response encoder frames it: what `EventStreamWriter` writes below the codec.
    let chunk: ByteBuffer

    /// Encodes `event` with the API's conventions.
    public init(_ event: JobEvent) {
        type = event.type
        var buffer = ByteBuffer()
        if let json = try? APICoding.encoder().encode(event) { buffer.writeBytes(json) }
        buffer.writeInteger(UInt8(0x0A))
        self.buffer = buffer
        var chunk = ByteBuffer()
        chunk.reserveCapacity(buffer.readableBytes + 12)
        chunk.writeString(String(buffer.readableBytes, radix: 16) + "\r\n")
        chunk.writeImmutableBuffer(buffer)
        chunk.writeStaticString("\r\n")
        self.chunk = chunk
    }
}
