@testable import MosaicDaemon
@testable import MosaicFuzz
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

/// `PlainGET` recognises only requests that the HTTP codec (llhttp) reads as the same single
/// bodiless, kept-alive GET of the same target: checked against NIO's decoder on random requests
/// built from a grammar and then mutated, plus the shapes that must go to the codec.
@Suite struct PlainGETTests {
    private func recognised(_ text: String) -> String? { recognised(Array(text.utf8)) }

    private func recognised(_ bytes: [UInt8]) -> String? {
        bytes.withUnsafeBytes { PlainGET.target($0) }
    }

    /// What NIO's request decoder makes of `bytes` fed in one read: the parts, or nil on an error.
    private func decoded(_ bytes: [UInt8]) -> [HTTPServerRequestPart]? {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)))
        defer { _ = try? channel.finish() }
        do { try channel.writeInbound(channel.allocator.buffer(bytes: bytes)) } catch { return nil }
        var parts: [HTTPServerRequestPart] = []
        while let part = try? channel.readInbound(as: HTTPServerRequestPart.self) { parts.append(part) }
        return parts
    }

    @Test func theClientsAndCurlsRequestsAreRecognised() {
        #expect(recognised("GET /v1/jobs?limit=50 HTTP/1.1\r\nHost: localhost\r\nUser-Agent: MosaicClient/1\r\nAccept: application/json\r\n\r\n")
                == "/v1/jobs?limit=50")
        #expect(recognised("GET /v1/jobs/7 HTTP/1.1\r\nHost: x\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n") == "/v1/jobs/7")
        #expect(recognised("GET / HTTP/1.1\r\n\r\n") == "/")
        #expect(recognised("GET /v1/jobs?state=queued%2Crunning&owner=1000 HTTP/1.1\r\nX-A:\tb \r\n\r\n")
                == "/v1/jobs?state=queued%2Crunning&owner=1000")
    }

    @Test func everythingElseGoesToTheCodec() {
        let refused = [
            "HEAD /v1/jobs HTTP/1.1\r\n\r\n", "get /v1/jobs HTTP/1.1\r\n\r\n", "POST /v1/jobs HTTP/1.1\r\n\r\n",
            "GET /v1/jobs HTTP/1.0\r\n\r\n", "GET /v1/jobs HTTP/1.1\r\n", "GET /v1/jobs HTTP/1.1\r\nHost: x\r\n",
            "GET v1/jobs HTTP/1.1\r\n\r\n", "GET http://x/v1/jobs HTTP/1.1\r\n\r\n", "GET  /v1/jobs HTTP/1.1\r\n\r\n",
            "GET /v1/jobs  HTTP/1.1\r\n\r\n", "GET /v1/j\"obs HTTP/1.1\r\n\r\n", "GET /v1/{jobs} HTTP/1.1\r\n\r\n",
            "GET /v1/jobs HTTP/1.1\n\n", "GET /v1/jobs HTTP/1.1\r\nHost: x\n\r\n",
            "GET /v1/jobs HTTP/1.1\r\nContent-Length: 0\r\n\r\n", "GET /v1/jobs HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n",
            "GET /v1/jobs HTTP/1.1\r\nConnection: close\r\n\r\n", "GET /v1/jobs HTTP/1.1\r\nCONNECTION: keep-alive\r\n\r\n",
            "GET /v1/jobs HTTP/1.1\r\nExpect: 100-continue\r\n\r\n", "GET /v1/jobs HTTP/1.1\r\nUpgrade: h2c\r\n\r\n",
            "GET /v1/jobs HTTP/1.1\r\nHost : x\r\n\r\n", "GET /v1/jobs HTTP/1.1\r\n: x\r\n\r\n",
            "GET /v1/jobs HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", "GET /v1/jobs HTTP/1.1\r\nHost: \u{7F}\r\n\r\n",
            "GET /v1/jobs HTTP/1.1\r\nHost: é\r\n\r\n",
            // Pipelined: the second request must not be lost behind an answer given here.
            "GET /v1/jobs HTTP/1.1\r\n\r\nGET /v1/jobs HTTP/1.1\r\n\r\n", "GET /v1/jobs HTTP/1.1\r\n\r\nx",
        ]
        for text in refused { #expect(recognised(text) == nil, "\(text.debugDescription)") }
        #expect(recognised([UInt8]("GET /v1/jobs HTTP/1.1\r\nHost: x\0\r\n\r\n".utf8)) == nil)
        let long = "GET /" + String(repeating: "a", count: PlainGET.maximumLength) + " HTTP/1.1\r\n\r\n"
        #expect(recognised(long) == nil)
    }

    @Test func whatIsRecognisedTheCodecReadsAsTheSameGET() {
        var random = SeededGenerator(seed: 0x9E37_79B9)
        // Half the requests are drawn from well-formed alphabets, half from ones with the bytes
        // that must be refused; then a few byte-level mutations.
        let goodTarget = Array("abcXYZ0129-._~!$&'()*+,;=:@/?%".utf8), badTarget = goodTarget + Array("\"<>\\^`{|} #\t".utf8)
        let goodName = Array("abcHostX-Id!#$%&'*+.^_`|~".utf8), badName = goodName + Array(" :\t\"(),/;<=>?@[]{}".utf8)
        let goodValue = Array("abc XYZ 0129\t*/;=,.:\"'\\".utf8), badValue = goodValue + Array("\r\n".utf8) + [0x7F, 0xC3, 0xA9, 0x00]
        func pick(_ bytes: [UInt8], _ range: ClosedRange<Int>) -> [UInt8] {
            (0..<Int.random(in: range, using: &random)).map { _ in bytes.randomElement(using: &random)! }
        }
        var recognisedCount = 0
        for _ in 0..<20_000 {
            let wellFormed = Bool.random(using: &random)
            var request = Array("GET /".utf8) + pick(wellFormed ? goodTarget : badTarget, 0...12) + Array(" HTTP/1.1\r\n".utf8)
            for _ in 0..<Int.random(in: 0...4, using: &random) {
                let name = Bool.random(using: &random)
                    ? Array(["Host", "Accept", "User-Agent", "Content-Length", "Connection", "X-Id"].randomElement(using: &random)!.utf8)
                    : pick(wellFormed ? goodName : badName, 0...8)
                request += name + Array(":".utf8) + pick(wellFormed ? goodValue : badValue, 0...10) + Array("\r\n".utf8)
            }
            request += Array("\r\n".utf8)
            for _ in 0..<max(0, Int.random(in: -2...2, using: &random)) where !request.isEmpty {
                let at = Int.random(in: 0..<request.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: request[at] = UInt8.random(in: 0...255, using: &random)
                case 1: request.insert(badValue.randomElement(using: &random)!, at: at)
                default: request.remove(at: at)
                }
            }
            guard let target = recognised(request) else { continue }
            recognisedCount += 1
            let parts = decoded(request)
            guard let parts, parts.count == 2, case .head(let head) = parts[0], case .end(nil) = parts[1] else {
                Issue.record("recognised, but the codec reads \(String(describing: parts)): \(String(decoding: request, as: UTF8.self).debugDescription)")
                continue
            }
            #expect(head.method == .GET && head.uri == target && head.version == .http1_1 && head.isKeepAlive,
                    "\(String(decoding: request, as: UTF8.self).debugDescription)")
        }
        // The grammar makes plain GETs often enough for the comparison to mean something.
        #expect(recognisedCount > 2_000, "only \(recognisedCount) recognised")
    }
}

/// `KeptAnswerFastPath` on an embedded channel: what it answers, what it hands on, and when it
/// stops answering.
@Suite struct KeptAnswerFastPathTests {
    private static let show = "GET /v1/jobs/7 HTTP/1.1\r\nHost: x\r\n\r\n"
    private static let log = "GET /v1/jobs/7/log HTTP/1.1\r\nHost: x\r\n\r\n"

    /// A channel with the fast path, whose lookup keeps only job 7's show.
    private func channel() throws -> (EmbeddedChannel, KeptAnswerFastPath) {
        let channel = EmbeddedChannel()
        let deadline = ConnectionDeadline(channel: channel, limits: HTTPServerLimits()) { _ in }
        let fastPath = KeptAnswerFastPath(peer: PeerCredentials(pid: 1, uid: 1000, gid: 1000), lookup: { uri, _ in
            uri == "/v1/jobs/7" ? KeptResponse(contentType: "application/json", body: Array("{\"id\":7}\n".utf8)) : nil
        }, deadline: deadline)
        try channel.pipeline.syncOperations.addHandler(fastPath)
        return (channel, fastPath)
    }

    private func send(_ text: String, to channel: EmbeddedChannel) throws {
        try channel.writeInbound(channel.allocator.buffer(string: text))
    }

    /// Everything written so far, as text.
    private func written(_ channel: EmbeddedChannel) throws -> String {
        var text = ""
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { text += String(buffer: buffer) }
        return text
    }

    /// Requests handed on to the codec, as text.
    private func handedOn(_ channel: EmbeddedChannel) throws -> [String] {
        var requests: [String] = []
        while let buffer = try channel.readInbound(as: ByteBuffer.self) { requests.append(String(buffer: buffer)) }
        return requests
    }

    @Test func aKeptPlainGETIsAnsweredWithTheCodecsHead() throws {
        let (channel, _) = try channel()
        try send(Self.show, to: channel)
        #expect(try written(channel) == "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nServer: mosaicd\r\n"
                + "Connection: keep-alive\r\nContent-Length: 9\r\n\r\n{\"id\":7}\n")
        #expect(try handedOn(channel).isEmpty)
    }

    @Test func nothingIsAnsweredWhileTheCodecOwesAnAnswer() throws {
        let (channel, fastPath) = try channel()
        try send(Self.log, to: channel)
        try send(Self.show, to: channel)
        #expect(try written(channel).isEmpty)
        #expect(try handedOn(channel) == [Self.log, Self.show])
        fastPath.answerEnded()
        try send(Self.show, to: channel)
        #expect(try written(channel).isEmpty, "the show handed on is still owed")
        #expect(try handedOn(channel) == [Self.show])
        fastPath.answerEnded()
        fastPath.answerEnded()
        try send(Self.show, to: channel)
        #expect(try written(channel).hasSuffix("{\"id\":7}\n"))
    }

    @Test func afterARequestItCannotReadWholeTheCodecGetsEverything() throws {
        let (channel, fastPath) = try channel()
        let cut = Self.show.index(Self.show.startIndex, offsetBy: 10)
        try send(String(Self.show[..<cut]), to: channel)
        try send(String(Self.show[cut...]), to: channel)
        fastPath.answerEnded()
        try send(Self.show, to: channel)
        #expect(try written(channel).isEmpty)
        #expect(try handedOn(channel).count == 3)
    }

    /// Counts the ends of reads that reach it.
    final class ReadCompleteCounter: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        var count = 0
        func channelReadComplete(context: ChannelHandlerContext) { count += 1 }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) { context.fireChannelRead(data) }
    }

    @Test func theEndOfAReadGoesOnOnlyWhenSomethingWasHandedOn() throws {
        let (channel, _) = try channel()
        let counter = ReadCompleteCounter()
        try channel.pipeline.syncOperations.addHandler(counter)
        try send(Self.show, to: channel)
        channel.pipeline.fireChannelReadComplete()
        let answer = try written(channel)
        #expect(counter.count == 0 && answer.hasSuffix("{\"id\":7}\n"), "answered here: nothing to hear of")
        try send(Self.log, to: channel)
        channel.pipeline.fireChannelReadComplete()
        channel.pipeline.fireChannelReadComplete()
        let requests = try handedOn(channel)
        #expect(counter.count == 1 && requests == [Self.log], "once per read that handed something on")
    }
}
