import Foundation
import MosaicAPI
import NIOCore

/// A job event as its stream line: encoded once when it is published and shared by every
/// watcher of the job (200 watchers cost one encoding, not 200).
public struct EncodedEvent: Sendable {
    /// The kind (an `end` closes the stream).
    public let type: JobEvent.Kind
    /// The event's JSON and a newline.
    let line: ByteBuffer

    /// Encodes `event` with the API's conventions.
    public init(_ event: JobEvent) {
        type = event.type
        var json = (try? APICoding.encoder().encode(event)) ?? Data()
        json.append(0x0A)
        line = ByteBuffer(bytes: json)
    }
}
