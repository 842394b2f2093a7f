import NIOCore
import NIOEmbedded
import NIOHTTP1
@testable import MosaicDaemon
import Testing

/// A kept answer's wire bytes are what NIO's response encoder writes for the same answer, so the
/// fast path and the codec's path answer alike.
@Suite struct KeptResponseTests {
    /// `response` as `HTTPResponseEncoder` writes it for an HTTP/1.1 request kept alive.
    private func encoded(_ response: HTTPResponse, body: [UInt8]) throws -> [UInt8] {
        let channel = EmbeddedChannel()
        defer { _ = try? channel.finish() }
        try channel.pipeline.syncOperations.addHandler(HTTPResponseEncoder())
        try channel.writeOutbound(HTTPServerResponsePart.head(response.head(version: .http1_1, keepAlive: true)))
        if !body.isEmpty { try channel.writeOutbound(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(bytes: body)))) }
        try channel.writeOutbound(HTTPServerResponsePart.end(nil))
        var bytes: [UInt8] = []
        while let buffer = try channel.readOutbound(as: IOData.self) {
            guard case .byteBuffer(let buffer) = buffer else { Issue.record("a file region"); continue }
            bytes += Array(buffer.readableBytesView)
        }
        return bytes
    }

    @Test func wireBytesAreTheEncodersBytes() throws {
        var generator = SystemRandomNumberGenerator()
        let bodies: [[UInt8]] = [[], Array("{\"id\":7}\n".utf8), (0..<40_000).map { _ in UInt8.random(in: 0x20...0x7E, using: &generator) }]
        for body in bodies {
            for contentType in ["application/json", "image/webp"] {
                let kept = KeptResponse(contentType: contentType, body: body)
                #expect(Array(kept.wire.readableBytesView) == (try encoded(kept.response, body: body)), "\(body.count) bytes of \(contentType)")
                #expect(Array(kept.body) == body && kept.response.contentType == contentType)
            }
        }
    }
}
