import NIOCore
import NIOHTTP1
import Synchronization

/// Writes published event lines to the HTTP event streams they are for: one hop to the event
/// loop for a burst of them, not one per stream.
///
/// Fifty watchers of a running job each got every event through a task of their own: the
/// publisher resumed fifty tasks on Swift's pool, and each handed its line to the event loop on
/// its own, at five events a second (`JobProgressPublisher`). Now the publisher queues the line for
/// each stream and the first line of a burst schedules one task on the event loop, which
/// writes the whole queue (one shared buffer per event) and flushes each stream once.
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
                item.stream.channel.eventLoop.execute { item.stream.write(item.event); item.stream.flush() }
            }
        }
        for stream in touched.values { stream.flush() }
    }
}

/// One event stream's body on its channel: the lines after its first ones, up to the `end`
/// event or the client's hang-up, either of which completes `done`.
///
/// The lines go out as chunks framed once per event (`EncodedEvent.chunk`), written below the
/// HTTP codec, from the context of the pipeline's first handler: through the pipeline, each
/// line to each watcher crossed five handlers and the response encoder, which allocated a
/// length line and wrote three buffers (in `perf` of the load test, about 40 of the 116 samples
/// the event lines cost the event loop; most of the rest is the socket writes). The handlers
/// above do not look at body parts, only at heads and ends, and the end still goes through the
/// encoder, which writes the last chunk.
///
/// Unchecked Sendable: its state is touched only on its channel's event loop.
final class EventStreamWriter: @unchecked Sendable {
    let channel: Channel
    /// Completed once the stream is over (written to its end, or the connection closed).
    let done: EventLoopPromise<Void>
    private var over = false
    /// Where pre-framed chunks are written: the context of the handler at the pipeline's head
    /// end, below the codec; nil (then lines go through the codec) until `writeBelowCodec`.
    private var belowCodec: ChannelHandlerContext?

    init(channel: Channel) {
        self.channel = channel
        done = channel.eventLoop.makePromise()
        channel.closeFuture.whenComplete { [self] _ in finish() }
    }

    /// From now on lines go out as pre-framed chunks below the codec, written from the context
    /// of `handler`, which must come before the codec in the pipeline. Call on the event loop
    /// once the head has been written through the codec (it announced the chunked body).
    func writeBelowCodec<Handler: ChannelHandler>(from handler: Handler.Type) {
        belowCodec = try? channel.pipeline.syncOperations.context(handlerType: handler)
    }

    /// Writes `event`'s line (not flushed). A progress event is skipped while the client is
    /// not reading what it was sent (the channel is not writable): a newer one supersedes it,
    /// and the stream's memory stays bounded. State and end events are always written.
    func write(_ event: EncodedEvent) {
        guard !over else { return }
        if event.type == .progress, !channel.isWritable { return }
        if let belowCodec {
            belowCodec.write(NIOAny(event.chunk), promise: nil)
        } else {
            channel.write(HTTPServerResponsePart.body(.byteBuffer(event.line)), promise: nil)
        }
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
