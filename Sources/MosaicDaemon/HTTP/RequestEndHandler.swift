import NIOCore
import NIOHTTP1

/// After the HTTP codec: a request's end stops its read timeout, and the end of its response
/// starts the idle timeout of a kept-alive connection, or closes the connection once the last
/// byte is written (closing earlier would cut off a large body still queued for the socket)
/// when the response says `Connection: close` or the client has closed its sending side.
///
/// Half-closure is on (`allowRemoteHalfClosure`): a client may send its request, shut down
/// its sending side and read the answer. The end of input closes the connection at once only
/// when no answer is owed or the answer is an event stream: a client that hangs up ends its
/// stream (and the subscription behind it, which `max_event_streams` counts) then, not at the
/// next event, which for a queued job may be hours away.
final class RequestEndHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let deadline: ConnectionDeadline
    /// Told when an answer's end is written (`KeptAnswerFastPath` counts the answers owed).
    private let answerEnded: (() -> Void)?
    private var closeAfterResponse = false
    /// From a request's head until the end of its response.
    private var answerOwed = false
    private var answerIsStream = false
    private var inputEnded = false

    init(deadline: ConnectionDeadline, answerEnded: (() -> Void)? = nil) {
        self.deadline = deadline
        self.answerEnded = answerEnded
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            answerOwed = true
            // A pipelined request's bytes arrived while the previous one was answered.
            if deadline.phase == .idle { deadline.enter(.reading) }
        case .body: break
        case .end: deadline.enter(.answering)
        }
        context.fireChannelRead(data)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard case ChannelEvent.inputClosed = event else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        inputEnded = true
        if !answerOwed || answerIsStream { context.close(promise: nil) }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head):
            closeAfterResponse = head.headers[canonicalForm: "connection"].contains { $0.lowercased() == "close" }
            answerIsStream = head.headers[canonicalForm: "transfer-encoding"].contains { $0.lowercased() == "chunked" }
            if answerIsStream && inputEnded {
                closeOnceWritten(context: context, data: data, promise: promise)
                return
            }
        case .body: break
        case .end:
            answerOwed = false; answerIsStream = false
            answerEnded?()
            guard closeAfterResponse || inputEnded else {
                deadline.enter(.idle)
                break
            }
            closeOnceWritten(context: context, data: data, promise: promise)
            return
        }
        context.write(data, promise: promise)
    }

    /// Writes and flushes `data`, then closes the connection.
    private func closeOnceWritten(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        deadline.cancel()
        let written = promise ?? context.eventLoop.makePromise()
        let channel = context.channel
        written.futureResult.whenComplete { _ in channel.close(promise: nil) }
        context.writeAndFlush(data, promise: written)
    }
}
