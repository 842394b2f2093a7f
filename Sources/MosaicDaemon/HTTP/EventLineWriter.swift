import NIOCore
import NIOHTTP1
import Synchronization

/// Writes published event lines to the HTTP event streams they are for: one hop to the event
/// loop for a burst of them, not one task per stream.
///
/// The publisher may be the render's thread, and a job may have hundreds of watchers: it queues
/// the line for each stream, and the first line of a burst schedules one task on the event
/// loop, which writes the whole queue (one shared buffer per event) and flushes each stream once.
final class EventLineWriter: Sendable {
    private struct Queued {
        let event: EncodedEvent
        let stream: EventStreamWriter
    }

    private let eventLoop: EventLoop
    private let queue = Mutex<[Queued]>([])

    /// Creates a writer that drains its queue on `eventLoop`.
    init(eventLoop: EventLoop) { self.eventLoop = eventLoop }

    /// Queues `event` for `stream`; callable from any thread, and cheap: it runs on the
    /// publisher's thread, which may be the render's.
    func send(_ event: EncodedEvent, to stream: EventStreamWriter) {
        let first = queue.withLock { queue -> Bool in
            queue.append(Queued(event: event, stream: stream))
            return queue.count == 1
        }
        if first { eventLoop.execute { self.drain() } }
    }

    private func drain() {
        let batch = queue.withLock { queue -> [Queued] in
            defer { queue = [] }
            return queue
        }
        var touched: [ObjectIdentifier: EventStreamWriter] = [:]
        for item in batch {
            if item.stream.channel.eventLoop.inEventLoop {
                item.stream.write(item.event)
                touched[ObjectIdentifier(item.stream)] = item.stream
            } else {
                item.stream.channel.eventLoop.execute {
                    item.stream.write(item.event)
                    item.stream.flush()
                }
            }
        }
        for stream in touched.values { stream.flush() }
    }
}

/// One event stream's body on its channel: the lines after its first ones, up to the `end`
/// event or the client's hang-up, either of which completes `done`.
///
/// Unchecked Sendable: its state is touched only on its channel's event loop.
final class EventStreamWriter: @unchecked Sendable {
    let channel: Channel
    /// Completed once the stream is over (written to its end, or the connection closed).
    let done: EventLoopPromise<Void>
    private var over = false

    init(channel: Channel) {
        self.channel = channel
        done = channel.eventLoop.makePromise()
        channel.closeFuture.whenComplete { [self] _ in finish() }
    }

    /// Writes `event`'s line (not flushed). A progress event is skipped while the client is
    /// not reading what it was sent (the channel is not writable): a newer one supersedes it,
    /// and the stream's memory stays bounded. State and end events are always written.
    func write(_ event: EncodedEvent) {
        guard !over else { return }
        if event.type == .progress, !channel.isWritable { return }
        channel.write(HTTPServerResponsePart.body(.byteBuffer(event.line)), promise: nil)
        if event.type == .end {
            channel.write(HTTPServerResponsePart.end(nil), promise: nil)
            finish()
        }
    }

    /// Sends what was written.
    func flush() {
        channel.flush()
    }

    /// Ends the stream without writing more.
    func finish() {
        guard !over else { return }
        over = true
        done.succeed(())
    }
}
