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

/// An HTTP/1.1 server on an already listening Unix socket, one task per connection: every request
/// goes through NIO's HTTP/1.1 codec to one handler (`DaemonCore.handle`, the route table).
///
/// It is swift-nio's codec and not Hummingbird 2 because each connection needs its peer's
/// credentials (SO_PEERCRED) and the socket may come from systemd: with NIO both are a few lines
/// of the child channel's set-up, while Hummingbird would need its own channel set-up for them and
/// adds minutes to every clean build for a handful of routes.
///
/// The socket is created (or inherited from systemd) by the caller, so the same code serves a
/// socket-activated daemon and a hand-started one. Every request carries the peer's
/// credentials; bodies above `maxBodyBytes` are answered with 413 without being buffered.
/// `HTTPServerLimits` bounds what clients can hold: a connection that stays idle or whose
/// request does not arrive in time is closed, and connections beyond the cap get 503.
public final class HTTPServer: Sendable {
    /// Answers one request.
    public typealias Handler = @Sendable (HTTPRequest) async -> HTTPResponse

    /// An accepted connection: its peer, its channel, and whether it is over the connection cap
    /// (then its first request is answered 503 and it is closed).
    struct Connection: Sendable {
        let peer: PeerCredentials
        let channel: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>
        let refused: Bool
    }

    let group: MultiThreadedEventLoopGroup
    let logger: Logger
    /// Timeouts and caps.
    public let limits: HTTPServerLimits
    let connections: ConnectionCounter
    let metrics: Metrics?
    /// Writes the event streams' lines on the event loop.
    let lines: EventLineWriter
    /// The largest request body accepted.
    public var maxBodyBytes: Int { limits.maxBodyBytes }

    /// Creates a server with its own event loop thread; `metrics` counts its connections.
    public init(logger: Logger, limits: HTTPServerLimits = HTTPServerLimits(), metrics: Metrics? = nil) {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        lines = EventLineWriter(eventLoop: group.next())
        self.logger = logger
        self.limits = limits
        self.metrics = metrics
        connections = ConnectionCounter(limit: limits.maxConnections)
    }

    /// The connections open now (refused ones included while they are answered).
    public var openConnections: Int { connections.current }

    /// Serves connections on the listening socket `descriptor` until the task is cancelled.
    public func serve(descriptor: Int32, handler: @escaping Handler) async throws {
        let limits = self.limits
        let connections = self.connections
        let logger = self.logger
        let metrics = self.metrics
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            // A client may close its sending side after its request and still read the answer;
            // ConnectionStateHandler closes the connection once that answer is written.
            .childChannelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
            .bind(descriptor) { channel -> EventLoopFuture<Connection> in
                PeerCredentials.read(from: channel).flatMapThrowing { peer in
                    metrics?.connectionOpened()
                    channel.closeFuture.whenComplete { _ in metrics?.connectionClosed() }
                    let admitted = connections.tryAcquire()
                    if admitted { channel.closeFuture.whenComplete { _ in connections.release() } }
                    let connectionLimits = admitted ? limits : limits.refusing
                    let deadline = ConnectionDeadline(channel: channel, limits: connectionLimits) { phase in
                        logger.debug(
                            "closed a connection of pid \(peer.pid) (uid \(peer.uid)): \(phase == .idle ? "idle for \(connectionLimits.idleTimeout) s (idle_timeout)" : "its request did not arrive within \(connectionLimits.readTimeout) s (read_timeout)")"
                        )
                    }
                    channel.closeFuture.assumeIsolated().whenComplete { _ in deadline.cancel() }
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(RequestStartHandler(deadline: deadline), position: .first)
                    try sync.addHTTPServerCodec()
                    try sync.addHandler(JSONProtocolErrorHandler())
                    try sync.addHandler(ConnectionStateHandler(deadline: deadline))
                    deadline.enter(.idle)
                    let async = try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(
                        wrappingChannelSynchronously: channel)
                    return Connection(peer: peer, channel: async, refused: !admitted)
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
                var bodyLimit = maxBodyBytes
                for try await part in inbound {
                    switch part {
                    case .head(let h):
                        head = h
                        body = []
                        tooLarge = false
                        bodyLimit = limits.bodyLimit(method: h.method, uri: h.uri)
                    case .body(let buffer):
                        if body.count + buffer.readableBytes > bodyLimit {
                            tooLarge = true
                            body = []
                        }
                        if !tooLarge { body.append(contentsOf: buffer.readableBytesView) }
                    case .end:
                        guard let h = head else { continue }
                        let response: HTTPResponse
                        if connection.refused {
                            response = .error(
                                APIError(
                                    .unavailable,
                                    "mosaicd is serving \(limits.maxConnections) connections, its limit (max_connections); try again later"
                                ))
                        } else if tooLarge {
                            response = .error(
                                APIError(
                                    .payloadTooLarge,
                                    "request body exceeds \(bodyLimit) bytes\(bodyLimit == limits.maxUploadBytes ? " (max_upload_bytes)" : "")"
                                ))
                        } else {
                            response = await handler(
                                HTTPRequest(method: h.method, uri: h.uri, body: body, peer: connection.peer))
                        }
                        // After CONNECT or an Upgrade the decoder parses nothing more: the
                        // connection cannot carry another request.
                        let keepAlive = h.isKeepAlive && !tooLarge && !connection.refused && !h.endsHTTP
                        try await write(
                            response, version: h.version, keepAlive: keepAlive, omitBody: h.method == .HEAD,
                            to: outbound, channel: connection.channel.channel)
                        // Without keep-alive, ConnectionStateHandler closes the connection once the
                        // response is written; returning here would close it too early.
                        head = nil
                    }
                }
            }
        } catch {
            logger.debug("connection closed: \(error)")
        }
    }

    /// A whole answer's parts, handed to the event loop at once rather than one by one.
    private static func whole(_ head: HTTPResponseHead, body: ByteBuffer?) -> [HTTPServerResponsePart] {
        body.map { [.head(head), .body(.byteBuffer($0)), .end(nil)] } ?? [.head(head), .end(nil)]
    }

    /// Writes `response`; `omitBody` (an answer to HEAD) sends its head and Content-Length only.
    /// Only GET routes stream, so a HEAD never meets a stream.
    private func write(
        _ response: HTTPResponse, version: HTTPVersion, keepAlive: Bool, omitBody: Bool,
        to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>, channel: Channel
    ) async throws {
        let head = response.head(version: version, keepAlive: keepAlive)
        switch response.body {
        case .bytes(let bytes):
            try await outbound.write(
                contentsOf: Self.whole(head, body: bytes.isEmpty || omitBody ? nil : ByteBuffer(bytes: bytes)))
        case .events(let initial, let following):
            defer { following.cancel() }
            try await outbound.write(.head(head))
            try await outbound.write(contentsOf: initial.map { .body(.byteBuffer($0.line)) })
            if initial.contains(where: { $0.type == .end }) {
                try await outbound.write(.end(nil))
                return
            }
            // The rest goes onto the channel from the event loop (`EventLineWriter`). The feed
            // starts in a task on the loop queued behind the writes above: a write of other
            // streams' lines queued before them would otherwise take this stream's first lines
            // along and put them on the wire ahead of its head.
            // A client that hangs up ends the stream at once (and with it the subscription
            // behind it), not at the next event, which for a queued job may be hours away.
            let stream = EventStreamWriter(channel: channel)
            try await channel.eventLoop.submit { [lines] in
                following.start { event in lines.send(event, to: stream) }
            }.get()
            // The daemon stopping (its tasks cancelled) closes the stream's connection.
            try await withTaskCancellationHandler {
                try await stream.done.futureResult.get()
            } onCancel: {
                channel.close(promise: nil)
            }
        }
    }
}
