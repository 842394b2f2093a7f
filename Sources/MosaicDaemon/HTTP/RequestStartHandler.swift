import NIOCore

/// First in the pipeline: the first raw byte of a request, before any HTTP parsing, starts its
/// read timeout, so a client that trickles a header one byte at a time is cut off too.
final class RequestStartHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let deadline: ConnectionDeadline

    init(deadline: ConnectionDeadline) { self.deadline = deadline }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if deadline.phase == .idle { deadline.enter(.reading) }
        context.fireChannelRead(data)
    }
}
