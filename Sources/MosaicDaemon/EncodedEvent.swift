import Foundation
import MosaicAPI
import NIOCore

/// A job event as its stream line: encoded once when it is published and shared by every
/// watcher of the job (200 watchers cost one encoding, not 200).
public struct EncodedEvent: Sendable {
    /// The kind (an `end` closes the stream).
    public let type: JobEvent.Kind
    /// `line` framed as one chunk of a chunked body (its length in hex, CRLF, the line, CRLF),
    /// as NIO's response encoder frames it: what `EventStreamWriter` writes below the codec.
    let chunk: ByteBuffer
    /// The event's JSON and a newline, a slice of `chunk` sharing its storage: what goes through
    /// the codec (a stream's first lines), shared by every stream the event is written to.
    let line: ByteBuffer

    /// Encodes `event` with the API's conventions.
    public init(_ event: JobEvent) {
        type = event.type
        var json = (try? APICoding.encoder().encode(event)) ?? Data()
        json.append(0x0A)
        let prefix = String(json.count, radix: 16) + "\r\n"
        var chunk = ByteBuffer()
        chunk.reserveCapacity(prefix.utf8.count + json.count + 2)
        chunk.writeString(prefix)
        chunk.writeBytes(json)
        chunk.writeStaticString("\r\n")
        self.chunk = chunk
        line = chunk.getSlice(at: prefix.utf8.count, length: json.count)!
    }
}
