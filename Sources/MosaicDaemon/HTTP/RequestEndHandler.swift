import NIOCore
import NIOHTTP1

/// After the HTTP codec: a request's end stops its read timeout, and the end of its response
/// starts the idle timeout of a kept-alive connection.
final class RequestEndHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let deadline: ConnectionDeadline

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
        if case .end = unwrapOutboundIn(data) { deadline.enter(.idle) }
        context.write(data, promise: promise)
    }
}
