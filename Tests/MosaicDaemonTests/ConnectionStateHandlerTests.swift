import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import MosaicDaemon

/// A connection's request cycle on an embedded channel: kept alive, closed after an answer that
/// says so or after the client's input ends, and an illegal transition stops the process.
@Suite struct ConnectionStateHandlerTests {
    private static func channel() throws -> (EmbeddedChannel, ConnectionStateHandler) {
        let channel = EmbeddedChannel()
        let deadline = ConnectionDeadline(channel: channel, limits: HTTPServerLimits()) { _ in }
        let handler = ConnectionStateHandler(deadline: deadline)
        try channel.pipeline.syncOperations.addHandler(handler)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return (channel, handler)
    }

    private static func request(_ channel: EmbeddedChannel) throws {
        try channel.writeInbound(
            HTTPServerRequestPart.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: "/v1/status")))
        try channel.writeInbound(HTTPServerRequestPart.end(nil))
    }

    private static func answer(
        _ channel: EmbeddedChannel, headers: [(String, String)], body: Bool = true, end: Bool = true
    ) throws {
        let head = HTTPResponseHead(version: .http1_1, status: .ok, headers: HTTPHeaders(headers))
        try channel.writeOutbound(HTTPServerResponsePart.head(head))
        if body { try channel.writeOutbound(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(string: "{}\n")))) }
        if end { try channel.writeOutbound(HTTPServerResponsePart.end(nil)) }
    }

    private static func inputClosed(_ channel: EmbeddedChannel) {
        channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
    }

    @Test func aKeptAliveConnectionGoesBackToIdleAfterEachAnswer() throws {
        let (channel, handler) = try Self.channel()
        for _ in 0..<3 {
            try Self.request(channel)
            #expect(handler.state == .awaitingAnswer(inputClosed: false))
            try Self.answer(channel, headers: [("Connection", "keep-alive"), ("Content-Length", "3")], end: false)
            #expect(handler.state == .answering(isStream: false, closeAfter: false))
            try channel.writeOutbound(HTTPServerResponsePart.end(nil))
            #expect(handler.state == .idle)
        }
        #expect(channel.isActive)
    }

    @Test func anAnswerThatSaysCloseClosesOnceWritten() throws {
        let (channel, handler) = try Self.channel()
        try Self.request(channel)
        try Self.answer(channel, headers: [("Connection", "close"), ("Content-Length", "3")])
        #expect(handler.state == .closing)
        #expect(!channel.isActive)
    }

    @Test func aClientThatHalfClosesGetsItsWholeAnswerThenTheConnectionCloses() throws {
        let (channel, handler) = try Self.channel()
        try Self.request(channel)
        Self.inputClosed(channel)
        #expect(handler.state == .awaitingAnswer(inputClosed: true) && channel.isActive)
        try Self.answer(channel, headers: [("Connection", "keep-alive"), ("Content-Length", "3")])
        #expect(handler.state == .closing && !channel.isActive)
    }

    @Test func aStreamEndsWhenItsClientHangsUp() throws {
        let (channel, handler) = try Self.channel()
        try Self.request(channel)
        try Self.answer(channel, headers: [("Transfer-Encoding", "chunked")], end: false)
        #expect(handler.state == .answering(isStream: true, closeAfter: false))
        Self.inputClosed(channel)
        #expect(handler.state == .closing && !channel.isActive)
    }

    @Test func theEndOfInputBetweenRequestsClosesAtOnce() throws {
        let (channel, handler) = try Self.channel()
        Self.inputClosed(channel)
        #expect(handler.state == .closing && !channel.isActive)
    }

    @Test func anAnswerWithoutARequestStopsTheProcess() async {
        await #expect(processExitsWith: .failure) {
            let (channel, _) = try Self.channel()
            try Self.answer(channel, headers: [("Content-Length", "3")])
        }
    }
}
