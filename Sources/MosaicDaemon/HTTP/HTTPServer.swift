import Foundation
import Logging
import MosaicAPI
import NIOCore
import NIOHTTP1
import NIOPosix

/// Errors of the HTTP layer.
public enum HTTPServerError: Error, CustomStringConvertible {
    /// The connection is not a Unix socket with peer credentials.
    case noPeerCredentials

    public var description: String { "the connection has no peer credentials (not a Unix socket?)" }
}

/// An HTTP/1.1 server on an already listening Unix socket, one task per connection.
///
/// The socket is created (or inherited from systemd) by the caller, so the same code serves a
/// socket-activated daemon and a hand-started one. Every request carries the peer's
/// credentials; bodies above `maxBodyBytes` are answered with 413 without being buffered.
public final class HTTPServer: Sendable {
    /// Answers one request.
    public typealias Handler = @Sendable (HTTPRequest) async -> HTTPResponse

    typealias Connection = (peer: PeerCredentials, channel: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>)

    let group: MultiThreadedEventLoopGroup
    let logger: Logger
    /// The largest request body accepted.
    public let maxBodyBytes: Int

    /// Creates a server with its own event loop thread.
    public init(logger: Logger, maxBodyBytes: Int = 64 * 1024) {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        self.logger = logger
        self.maxBodyBytes = maxBodyBytes
    }

    /// Serves connections on the listening socket `descriptor` until the task is cancelled.
    public func serve(descriptor: Int32, handler: @escaping Handler) async throws {
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            .bind(descriptor) { channel -> EventLoopFuture<Connection> in
                PeerCredentials.read(from: channel).flatMapThrowing { peer in
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: false)
                    try channel.pipeline.syncOperations.addHandler(JSONProtocolErrorHandler())
                    let async = try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(
                        wrappingChannelSynchronously: channel)
                    return (peer, async)
                }
            }
        try await withThrowingDiscardingTaskGroup { tasks in
            try await server.executeThenClose { connections in
                for try await connection in connections {
                    tasks.addTask { await self.handle(connection, handler: handler) }
                }
            }
        }
    }

    /// Stops the event loop; call after `serve` returned.
    public func shutdown() async {
        try? await group.shutdownGracefully()
    }

    private func handle(_ connection: Connection, handler: Handler) async {
        do {
            try await connection.channel.executeThenClose { inbound, outbound in
                var head: HTTPRequestHead?
                var body: [UInt8] = []
                var tooLarge = false
                for try await part in inbound {
                    switch part {
                    case .head(let h):
                        head = h; body = []; tooLarge = false
                    case .body(let buffer):
                        if body.count + buffer.readableBytes > maxBodyBytes { tooLarge = true; body = [] }
                        if !tooLarge { body.append(contentsOf: buffer.readableBytesView) }
                    case .end:
                        guard let h = head else { continue }
                        let response = tooLarge
                            ? HTTPResponse.error(APIError(.payloadTooLarge, "request body exceeds \(maxBodyBytes) bytes"))
                            : await handler(HTTPRequest(method: h.method, uri: h.uri, body: body, peer: connection.peer))
                        let keepAlive = h.isKeepAlive && !tooLarge
                        try await write(response, version: h.version, keepAlive: keepAlive, to: outbound)
                        // Without keep-alive, NIO's pipeline handler closes the connection once
                        // the response is flushed; returning here would close it too early.
                        head = nil
                    }
                }
            }
        } catch {
            logger.debug("connection closed: \(error)")
        }
    }

    private func write(
        _ response: HTTPResponse, version: HTTPVersion, keepAlive: Bool,
        to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    ) async throws {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: response.contentType)
        headers.add(name: "Server", value: "mosaicd")
        headers.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        for header in response.headers { headers.add(name: header.name, value: header.value) }
        switch response.body {
        case .bytes(let bytes):
            headers.add(name: "Content-Length", value: String(bytes.count))
            try await outbound.write(.head(HTTPResponseHead(version: version, status: response.status, headers: headers)))
            if !bytes.isEmpty { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: bytes)))) }
            try await outbound.write(.end(nil))
        case .stream(let chunks):
            headers.add(name: "Transfer-Encoding", value: "chunked")
            try await outbound.write(.head(HTTPResponseHead(version: version, status: response.status, headers: headers)))
            for await chunk in chunks where !chunk.isEmpty {
                try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: chunk))))
            }
            try await outbound.write(.end(nil))
        }
    }
}
