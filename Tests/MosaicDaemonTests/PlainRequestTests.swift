@testable import MosaicDaemon
@testable import MosaicFuzz
import MosaicTestSupport
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

/// `PlainRequest` recognises only requests that the HTTP codec (llhttp) reads as the same single
/// kept-alive request: a bodiless GET of the same target, or a whole request with the same method
/// and body that leaves nothing over. Checked against NIO's decoder on random requests built from
/// a grammar and then mutated, plus the shapes that must go to the codec.
@Suite struct PlainRequestTests {
    /// The target of a plain GET, else nil.
    private func recognised(_ text: String) -> String? { recognised(Array(text.utf8)) }

    private func recognised(_ bytes: [UInt8]) -> String? {
        guard case .get(let target)? = shape(bytes) else { return nil }
        return target
    }

    private func shape(_ text: String) -> PlainRequest.Shape? { shape(Array(text.utf8)) }

    private func shape(_ bytes: [UInt8]) -> PlainRequest.Shape? {
        bytes.withUnsafeBytes { PlainRequest.shape($0) }
    }

    /// What NIO's request decoder makes of `bytes` fed in one read: the parts, or nil on an error
    /// or when bytes are left over (the start of another message).
    private func decoded(_ bytes: [UInt8]) -> [HTTPServerRequestPart]? {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .fireError)))
        do { try channel.writeInbound(channel.allocator.buffer(bytes: bytes)) } catch {
            _ = try? channel.finish()
            return nil
        }
        var parts: [HTTPServerRequestPart] = []
        while let part = try? channel.readInbound(as: HTTPServerRequestPart.self) { parts.append(part) }
        do { _ = try channel.finish() } catch { return nil }
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
        let long = "GET /" + String(repeating: "a", count: PlainRequest.maximumHeadLength) + " HTTP/1.1\r\n\r\n"
        #expect(shape(long) == nil)
    }

    @Test func theClientsSubmitAndCancelAreWholeRequests() {
        let body = #"{"render":{"prompt":"calm sea"}}"#
        #expect(shape("POST /v1/jobs HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                      + "Content-Length: \(body.utf8.count)\r\n\r\n" + body) == .whole)
        #expect(shape("POST /v1/jobs/7/cancel HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n") == .whole)
        #expect(shape("DELETE /v1/jobs/7 HTTP/1.1\r\nHost: localhost\r\n\r\n") == .whole)
        #expect(shape("GET /v1/jobs HTTP/1.1\r\nContent-Length: 0\r\n\r\n") == .whole, "a GET announcing a body is the codec's")
        #expect(shape("POST /v1/jobs HTTP/1.1\r\ncontent-length:  2 \r\n\r\n{}") == .whole)
    }

    @Test func wholeMeansExactlyOneRequestWithItsWholeBody() {
        let refused = [
            // Short, long, or followed by another request: the codec would be left mid-message.
            "POST /v1/jobs HTTP/1.1\r\nContent-Length: 3\r\n\r\n{}", "POST /v1/jobs HTTP/1.1\r\nContent-Length: 1\r\n\r\n{}",
            "POST /v1/jobs HTTP/1.1\r\nContent-Length: 0\r\n\r\nGET /v1/jobs HTTP/1.1\r\n\r\n",
            "POST /v1/jobs HTTP/1.1\r\n\r\n{}", "POST /v1/jobs HTTP/1.1\r\nContent-Length: 2\r\n",
            // Framing the codec reads another way, or that changes the connection.
            "POST /v1/jobs HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}",
            "POST /v1/jobs HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
            "POST /v1/jobs HTTP/1.1\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n{}",
            "POST /v1/jobs HTTP/1.1\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
            "POST /v1/jobs HTTP/1.1\r\nContent-Length: +2\r\n\r\n{}", "POST /v1/jobs HTTP/1.1\r\nContent-Length: 2x\r\n\r\n{}",
            "POST /v1/jobs HTTP/1.1\r\nContent-Length: \r\n\r\n", "POST /v1/jobs HTTP/1.1\r\nContent-Length: 123456789\r\n\r\n",
            // Methods outside the API's, versions other than 1.1.
            "PUT /v1/jobs HTTP/1.1\r\n\r\n", "PATCH /v1/jobs HTTP/1.1\r\n\r\n", "post /v1/jobs HTTP/1.1\r\n\r\n",
            "POST /v1/jobs HTTP/1.0\r\nContent-Length: 0\r\n\r\n",
        ]
        for text in refused { #expect(shape(text) == nil, "\(text.debugDescription)") }
    }

    @Test func whatIsRecognisedTheCodecReadsAsTheSameRequest() {
        var random = SeededGenerator(seed: 0x9E37_79B9)
        // Half the requests are drawn from well-formed alphabets, half from ones with the bytes
        // that must be refused; then a few byte-level mutations.
        let goodTarget = Array("abcXYZ0129-._~!$&'()*+,;=:@/?%".utf8), badTarget = goodTarget + Array("\"<>\\^`{|} #\t".utf8)
        let goodName = Array("abcHostX-Id!#$%&'*+.^_`|~".utf8), badName = goodName + Array(" :\t\"(),/;<=>?@[]{}".utf8)
        let goodValue = Array("abc XYZ 0129\t*/;=,.:\"'\\".utf8), badValue = goodValue + Array("\r\n".utf8) + [0x7F, 0xC3, 0xA9, 0x00]
        let methods = ["GET", "GET", "POST", "DELETE", "PUT", "get", "HEAD"]
        func pick(_ bytes: [UInt8], _ range: ClosedRange<Int>) -> [UInt8] {
            (0..<Int.random(in: range, using: &random)).map { _ in bytes.randomElement(using: &random)! }
        }
        var counts = (get: 0, whole: 0, withBody: 0)
        for _ in 0..<40_000 {
            let wellFormed = Bool.random(using: &random)
            let method = methods.randomElement(using: &random)!
            var request = Array("\(method) /".utf8) + pick(wellFormed ? goodTarget : badTarget, 0...12) + Array(" HTTP/1.1\r\n".utf8)
            // The body and its length: mostly in agreement, sometimes not, sometimes said twice.
            let body = Int.random(in: 0...3, using: &random) == 0 ? [] : pick(goodValue + badValue, 0...40)
            for _ in 0..<Int.random(in: 0...4, using: &random) {
                switch Int.random(in: 0..<4, using: &random) {
                case 0:
                    let length = Int.random(in: 0...5, using: &random) == 0 ? body.count + Int.random(in: -2...2, using: &random) : body.count
                    let spaces = [" ", "", "  ", "\t"]
                    request += Array("Content-Length:\(spaces.randomElement(using: &random)!)\(length)\(spaces.randomElement(using: &random)!)\r\n".utf8)
                case 1:
                    let name = ["Host", "Accept", "User-Agent", "Connection", "X-Id", "content-length", "Transfer-Encoding"]
                        .randomElement(using: &random)!
                    request += Array(name.utf8) + Array(":".utf8) + pick(wellFormed ? goodValue : badValue, 0...10) + Array("\r\n".utf8)
                default:
                    request += pick(wellFormed ? goodName : badName, 0...8) + Array(":".utf8)
                        + pick(wellFormed ? goodValue : badValue, 0...10) + Array("\r\n".utf8)
                }
            }
            request += Array("\r\n".utf8) + body
            for _ in 0..<max(0, Int.random(in: -2...2, using: &random)) where !request.isEmpty {
                let at = Int.random(in: 0..<request.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: request[at] = UInt8.random(in: 0...255, using: &random)
                case 1: request.insert(badValue.randomElement(using: &random)!, at: at)
                default: request.remove(at: at)
                }
            }
            guard let shape = shape(request) else { continue }
            let text = String(decoding: request, as: UTF8.self).debugDescription
            // One head, the body in pieces, one end, and nothing left over or refused.
            guard let parts = decoded(request), parts.count >= 2, case .head(let head) = parts[0], case .end(nil) = parts.last else {
                Issue.record("recognised as \(shape), but the codec reads \(String(describing: decoded(request))): \(text)")
                continue
            }
            var decodedBody: [UInt8] = []
            for part in parts.dropFirst().dropLast() {
                guard case .body(let piece) = part else { Issue.record("a second head in \(text)"); continue }
                decodedBody += piece.readableBytesView
            }
            #expect(head.version == .http1_1 && head.isKeepAlive, "\(text)")
            switch shape {
            case .get(let target):
                counts.get += 1
                #expect(head.method == .GET && head.uri == target && decodedBody.isEmpty, "\(text)")
            case .whole:
                counts.whole += 1
                let headEnd = request.indices.first { request[$0...].starts(with: Array("\r\n\r\n".utf8)) }.map { $0 + 4 }
                #expect(head.method.rawValue == String(decoding: request.prefix { $0 != UInt8(ascii: " ") }, as: UTF8.self), "\(text)")
                #expect(headEnd.map { Array(request[$0...]) } == decodedBody, "the codec's body is the rest of the read: \(text)")
                if !decodedBody.isEmpty { counts.withBody += 1 }
            }
        }
        // The grammar makes each shape often enough for the comparison to mean something.
        #expect(counts.get > 400 && counts.whole > 1_000 && counts.withBody > 400, "only \(counts) recognised")
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

    @Test func afterAWholeRequestWithABodyHasBeenAnsweredPlainGETsAreAnsweredHereAgain() throws {
        let (channel, fastPath) = try channel()
        // A script submits, then polls on the same connection.
        let submit = "POST /v1/jobs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
        try send(submit, to: channel)
        try send(Self.show, to: channel)
        #expect(try written(channel).isEmpty, "the submit's answer is owed")
        #expect(try handedOn(channel) == [submit, Self.show])
        fastPath.answerEnded()
        fastPath.answerEnded()
        try send(Self.show, to: channel)
        #expect(try written(channel).hasSuffix("{\"id\":7}\n"))
        #expect(try handedOn(channel).isEmpty)
        // A chunked body may leave the codec mid-message: the codec gets everything from then on.
        try send("POST /v1/jobs HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n", to: channel)
        fastPath.answerEnded()
        try send(Self.show, to: channel)
        #expect(try written(channel).isEmpty)
        #expect(try handedOn(channel).count == 2)
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
