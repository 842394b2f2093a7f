import Foundation
import MosaicAPI
import MosaicClient
import MosaicTestSupport
import Testing

/// `GET /v1/jobs/{id}/events`: a chunked NDJSON stream read line by line as it arrives.
@Suite struct ClientEventsTests {
    @Test(arguments: [[1, 7, 29], [2, 3, 5, 7, 100], [13, 1, 64], [4096]])
    func eventsSplitAtOddBoundariesArriveWholeAndInOrder(pieceSizes: [Int]) throws {
        let events = Sample.events(7)
        let ndjson = Sample.ndjson(events)
        // Chunks that cut lines (and a multibyte character) anywhere, sent in pieces that cut
        // the chunk framing itself anywhere.
        let chunks = Wire.cut(ndjson, at: [3, 1, 200, 2, 77, 500])
        let wire = Wire.chunked(200, chunks, contentType: "application/x-ndjson")
        let server = try FakeDaemon { _ in .send(Wire.split(wire, sizes: pieceSizes)) }
        defer { server.stop() }
        var received: [JobEvent] = []
        try MosaicClient(socketPath: server.path).events(7) {
            received.append($0)
            return true
        }
        #expect(received == events)
        #expect(server.requests.first?.target == "/v1/jobs/7/events")
        #expect(
            server.requests.first?.head.contains("\r\nConnection: close") == true, "a stream's connection is its own")
    }

    @Test func crlfLinesBlankLinesAndAMissingFinalNewlineAreAccepted() throws {
        let events = Sample.events(3)
        var body: [UInt8] = Array("\r\n".utf8)
        for event in events.dropLast() { body += Wire.json(event) + Array("\r\n\n".utf8) }
        body += Wire.json(events[events.count - 1])
        let server = try FakeDaemon(answer: Wire.chunked(200, Wire.cut(body, at: [100, 1, 1, 300])))
        defer { server.stop() }
        var received: [JobEvent] = []
        try MosaicClient(socketPath: server.path).events(3) {
            received.append($0)
            return true
        }
        #expect(received == events)
    }

    @Test func returningFalseStopsWithoutWaitingForMore() throws {
        let first = Array(Sample.ndjson(Sample.events(4)).prefix { $0 != UInt8(ascii: "\n") }) + [UInt8(ascii: "\n")]
        let head = Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
        let chunk = Array("\(String(first.count, radix: 16))\r\n".utf8) + first + [13, 10]
        // The daemon sends one event, then the stream stays open (the job is queued for hours).
        let server = try FakeDaemon { _ in .sendAndHold([head + chunk]) }
        let started = Date()
        var count = 0
        // Were the client to wait for more, the idle timeout would end the test with an error.
        try MosaicClient(socketPath: server.path, timeout: 5).events(4, idleTimeout: 3) { _ in
            count += 1
            return false
        }
        #expect(count == 1 && Date().timeIntervalSince(started) < 2.5)
        server.stop()
    }

    @Test func aQuietStreamIsNotATimeoutUnlessAskedFor() throws {
        let first = Array(Sample.ndjson(Sample.events(4)).prefix { $0 != UInt8(ascii: "\n") }) + [UInt8(ascii: "\n")]
        let head = Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
        let chunk = Array("\(String(first.count, radix: 16))\r\n".utf8) + first + [13, 10]
        // One event, a pause (800 empty writes, 1 ms apart) longer than the timeouts, then the end.
        let rest = Array("0\r\n\r\n".utf8)
        let server = try FakeDaemon { _ in .send([head + chunk] + Array(repeating: [], count: 800) + [rest]) }
        defer { server.stop() }
        var count = 0
        try MosaicClient(socketPath: server.path, timeout: 0.5).events(4) { _ in
            count += 1
            return true
        }
        #expect(count == 1)

        let idle = try FakeDaemon { _ in .send([head + chunk] + Array(repeating: [], count: 800) + [rest]) }
        defer { idle.stop() }
        #expect(throws: ClientError.self) {
            try MosaicClient(socketPath: idle.path, timeout: 5).events(4, idleTimeout: 0.1) { _ in true }
        }
    }
}
