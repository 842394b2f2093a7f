import MosaicAPI
import NIOCore

/// A job event as its stream line: encoded once when it is published and shared by every
/// watcher of the job (200 watchers cost one encoding, not 200).
public struct EncodedEvent: Sendable {
    /// The kind (an `end` closes the stream).
    public let type: JobEvent.Kind
    /// The event's JSON and a newline, shared by every stream the event is written to.
    let buffer: ByteBuffer

    /// Encodes `event` with the API's conventions.
    public init(_ event: JobEvent) {
        type = event.type
        var buffer = ByteBuffer()
        if let json = try? APICoding.encoder().encode(event) { buffer.writeBytes(json) }
        buffer.writeInteger(UInt8(0x0A))
        self.buffer = buffer
    }
}
