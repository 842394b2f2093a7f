import NIOCore
import NIOHTTP1

/// Answers on the event loop the GETs whose whole answer the daemon keeps (`ResponseCache`), and
/// passes every other request on to the connection's task.
///
/// Two hundred clients polling list and show mostly ask for answers the daemon already has. Each
/// such answer cost two hops between threads, to Swift's pool and back to the event loop, which
/// was most of its CPU once the database was out of the way. A GET is answered here when `lookup`
/// has a valid answer without blocking; anything else, a GET with a body included, goes the
/// usual way. Answers stay in order: `HTTPServerPipelineHandler`, before this one, hands on a
/// connection's next request only once the previous answer has ended. `RequestEndHandler`, also
/// before it, sees these answers as any other (timeouts, keep-alive, closing).
final class KeptAnswerHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    typealias Lookup = HTTPServer.KeptAnswer

    private let peer: PeerCredentials
    private let lookup: Lookup
    /// A GET held back until its end shows that it has no body.
    private var held: HTTPRequestHead?

    init(peer: PeerCredentials, lookup: @escaping Lookup) { self.peer = peer; self.lookup = lookup }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            if head.method == .GET, !head.endsHTTP {
                held = head
                return
            }
        case .body:
            passOnHeld(context: context)
        case .end:
            if let head = held, let kept = lookup(head.uri, peer) {
                held = nil
                context.write(wrapOutboundOut(.head(kept.response.head(version: head.version, keepAlive: head.isKeepAlive))), promise: nil)
                if kept.bodyOnWire.readableBytes > 0 {
                    context.write(wrapOutboundOut(.body(.byteBuffer(kept.bodyOnWire))), promise: nil)
                }
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                return
            }
            passOnHeld(context: context)
        }
        context.fireChannelRead(data)
    }

    /// Passes a held head on: its request goes the usual way.
    private func passOnHeld(context: ChannelHandlerContext) {
        guard let head = held else { return }
        held = nil
        context.fireChannelRead(wrapInboundOut(.head(head)))
    }
}
