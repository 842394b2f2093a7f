import NIOCore
import NIOHTTP1

/// After the HTTP codec: where a connection is in its request cycle, as one state, which drives
/// its deadline (`ConnectionDeadline`), keeps it alive after an answer, or closes it once the
/// last byte of an answer is written (closing earlier would cut off a large body still queued
/// for the socket).
///
/// Half-closure is on (`allowRemoteHalfClosure`): a client may send its request, shut down its
/// sending side and read the answer. The end of input closes the connection at once only when no
/// answer is owed or the answer is an event stream: a client that hangs up ends its stream (and
/// the subscription behind it, which `max_event_streams` counts) then, not at the next event,
/// which for a queued job may be hours away.
///
/// `HTTPServerPipelineHandler`, before this one, hands on one request at a time and the next
/// only once the previous answer has ended, so a transition outside the cycle is a bug in the
/// server, and fails loudly, as that handler's do.
final class ConnectionStateHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// A connection's place in its request cycle.
    enum State: Equatable {
        /// Between requests.
        case idle
        /// A request's head has arrived, its end not yet.
        case reading(inputClosed: Bool)
        /// The request has arrived whole; its answer has not started.
        case awaitingAnswer(inputClosed: Bool)
        /// The answer's head is written, its end not yet; `closeAfter`: the connection closes
        /// once the answer is written (`Connection: close`, or the client's input has ended).
        case answering(isStream: Bool, closeAfter: Bool)
        /// The connection closes once what was written is out; nothing changes any more.
        case closing
    }

    private(set) var state = State.idle
    private let deadline: ConnectionDeadline

    init(deadline: ConnectionDeadline) { self.deadline = deadline }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch (state, unwrapInboundIn(data)) {
        case (.idle, .head):
            state = .reading(inputClosed: false)
            // A pipelined request's bytes arrived while the previous one was answered.
            if deadline.phase == .idle { deadline.enter(.reading) }
        case (.reading, .body):
            break
        case (.reading(let inputClosed), .end):
            state = .awaitingAnswer(inputClosed: inputClosed)
            deadline.enter(.answering)
        case (.closing, _):
            break
        case (let state, let part):
            preconditionFailure("HTTP connection: \(part) read while \(state)")
        }
        context.fireChannelRead(data)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard case ChannelEvent.inputClosed = event else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        switch state {
        case .idle, .answering(isStream: true, _):
            state = .closing
            deadline.cancel()
            context.close(promise: nil)
        case .reading:
            state = .reading(inputClosed: true)
        case .awaitingAnswer:
            state = .awaitingAnswer(inputClosed: true)
        case .answering(isStream: false, _):
            state = .answering(isStream: false, closeAfter: true)
        case .closing:
            break
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch (state, unwrapOutboundIn(data)) {
        case (.awaitingAnswer(let inputClosed), .head(let head)):
            let isStream = head.headers[canonicalForm: "transfer-encoding"].contains { $0.lowercased() == "chunked" }
            let close = head.headers[canonicalForm: "connection"].contains { $0.lowercased() == "close" }
            if isStream && inputClosed { return closeOnceWritten(context: context, data: data, promise: promise) }
            state = .answering(isStream: isStream, closeAfter: close || inputClosed)
        case (.answering, .body):
            break
        case (.answering(_, let closeAfter), .end):
            if closeAfter { return closeOnceWritten(context: context, data: data, promise: promise) }
            // Before the write: the pipelining handler hands on the next request as the end passes.
            state = .idle
            deadline.enter(.idle)
        case (.closing, _):
            break
        case (let state, let part):
            preconditionFailure("HTTP connection: \(part) written while \(state)")
        }
        context.write(data, promise: promise)
    }

    /// Writes and flushes `data`, then closes the connection.
    private func closeOnceWritten(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        state = .closing
        deadline.cancel()
        let written = promise ?? context.eventLoop.makePromise()
        let channel = context.channel
        written.futureResult.whenComplete { _ in channel.close(promise: nil) }
        context.writeAndFlush(data, promise: written)
    }
}
