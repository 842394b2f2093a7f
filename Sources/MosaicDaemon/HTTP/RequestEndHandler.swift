import NIOCore
import NIOHTTP1

/// After the HTTP codec: a request's end stops its read timeout, and the end of its response
/// starts the idle timeout of a kept-alive connection, or closes a connection whose response
/// says `Connection: close`, once the last byte is written (closing earlier would cut off a
/// large body still queued for the socket).
final class RequestEndHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let deadline: ConnectionDeadline
    private var closeAfterResponse = false

    init(deadline: ConnectionDeadline) { self.deadline = deadline }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        // A pipelined request's bytes arrived while the previous one was answered.
        case .head: if deadline.phase == .idle { deadline.enter(.reading) }
        case .body: break
        case .end: deadline.enter(.answering)
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head):
            closeAfterResponse = head.headers[canonicalForm: "connection"].contains { $0.lowercased() == "close" }
        case .body: break
        case .end:
            guard closeAfterResponse else {
                deadline.enter(.idle)
                break
            }
            deadline.cancel()
            let written = promise ?? context.eventLoop.makePromise()
            let channel = context.channel
            written.futureResult.whenComplete { _ in channel.close(promise: nil) }
            context.write(data, promise: written)
            return
        }
        context.write(data, promise: promise)
    }
}
