import MosaicAPI
import NIOCore
import NIOHTTP1

/// Answers a request that is not HTTP/1.1 (a bad request line, header or chunk) with the API's
/// JSON error and 400, then lets the connection close.
///
/// NIO's `HTTPServerProtocolErrorHandler` answers such requests with an empty 400 body, the
/// one answer of the daemon that was not the JSON its clients parse. This is the same logic
/// (it can answer only when no other response has started on the connection) with our body.
final class JSONProtocolErrorHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private var hasUnterminatedResponse = false

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        guard let parserError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        // The decoder closes the channel right after this returns: no delayed work here.
        if !hasUnterminatedResponse {
            let body = HTTPResponse.error(APIError(.badRequest, "malformed HTTP request: \(parserError)"))
            if case .bytes(let bytes) = body.body {
                let headers = HTTPHeaders([
                    ("Content-Type", body.contentType), ("Content-Length", String(bytes.count)),
                    ("Server", "mosaicd"), ("Connection", "close"),
                ])
                context.write(
                    wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .badRequest, headers: headers))),
                    promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: bytes)))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
        context.fireErrorCaught(error)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head) where head.status.code < 200: break
        case .head: hasUnterminatedResponse = true
        case .body: break
        case .end: hasUnterminatedResponse = false
        }
        context.write(data, promise: promise)
    }
}

@available(*, unavailable)
extension JSONProtocolErrorHandler: Sendable {}
