import NIOCore
import NIOHTTP1

extension ChannelPipeline.SynchronousOperations {
    /// Adds the HTTP/1.1 server codec: the response encoder, the request decoder, the pipelining
    /// handler and the response-header validator, as `configureHTTPServerPipeline` does, but
    /// with an encoder that is not told the request's method.
    ///
    /// NIO's paired encoder drops the body and the Content-Length of every answer to a `CONNECT`
    /// (a 2xx there switches to a tunnel), so the daemon's JSON error went out as a bodiless 404
    /// that a client could not delimit on a kept-alive connection. The daemon tunnels nothing:
    /// its answer to `CONNECT` is an ordinary JSON error, and `HTTPServer` leaves out the body of
    /// an answer to `HEAD` itself.
    func addHTTPServerCodec() throws {
        try addHandlers([
            HTTPResponseEncoder(),
            ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)),
            HTTPServerPipelineHandler(),
            NIOHTTPResponseHeadersValidator(),
        ])
    }
}
