import Foundation
import MosaicAPI
@testable import MosaicDaemon
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

/// Event lines written as pre-framed chunks below the codec are the bytes the response encoder
/// writes for them, and the stream still ends through the encoder.
@Suite struct EventChunkTests {
    /// Everything written on a channel with the server's first handler and the response encoder:
    /// a chunked head, `events`, then the end, lines below the codec when `belowCodec`.
    private func stream(_ events: [EncodedEvent], belowCodec: Bool) throws -> (bytes: [UInt8], done: Bool) {
        let channel = EmbeddedChannel()
        defer { _ = try? channel.finish() }
        let deadline = ConnectionDeadline(channel: channel, limits: HTTPServerLimits()) { _ in }
        try channel.pipeline.syncOperations.addHandler(RequestStartHandler(deadline: deadline))
        try channel.pipeline.syncOperations.addHandler(HTTPResponseEncoder())
        let head = HTTPResponse(contentType: "application/x-ndjson", body: .events(initial: [], following: EventFeed()))
            .head(version: .http1_1, keepAlive: true)
        try channel.writeOutbound(HTTPServerResponsePart.head(head))
        let writer = EventStreamWriter(channel: channel)
        if belowCodec { writer.writeBelowCodec(from: RequestStartHandler.self) }
        for event in events { writer.write(event) }
        writer.flush()
        var bytes: [UInt8] = []
        while let data = try channel.readOutbound(as: IOData.self) {
            guard case .byteBuffer(let buffer) = data else { Issue.record("a file region"); continue }
            bytes += Array(buffer.readableBytesView)
        }
        var done = false
        writer.done.futureResult.whenSuccess { done = true }
        return (bytes, done)
    }

    @Test func preFramedChunksAreTheEncodersChunks() throws {
        let job: Int64 = 7
        var events = (0..<40).map { step in
            EncodedEvent(JobEvent(type: .progress, jobId: job, progress: JobProgress(step: step, steps: 40)))
        }
        events.insert(EncodedEvent(JobEvent(type: .log, jobId: job, message: String(repeating: "é✓ tab\t", count: 300))), at: 7)
        events.append(EncodedEvent(JobEvent(type: .end, jobId: job, state: .succeeded)))
        let below = try stream(events, belowCodec: true), through = try stream(events, belowCodec: false)
        #expect(below.bytes == through.bytes && below.bytes.count > 2_000)
        #expect(String(decoding: below.bytes.suffix(8), as: UTF8.self) == "\n\r\n0\r\n\r\n", "the end's last chunk")
        #expect(below.done && through.done)
    }
}
