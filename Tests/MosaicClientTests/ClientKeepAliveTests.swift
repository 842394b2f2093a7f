import Foundation
import MosaicAPI
import MosaicTestSupport
import Testing

@testable import MosaicClient

/// The client's kept-alive connection against the real daemon on a real socket: calls share
/// one connection (the daemon's accept count proves it), and a connection the daemon closed
/// (idle timeout, restart) is replaced without the caller noticing.
@Suite(.serialized) struct ClientKeepAliveTests {
    @Test func callsOfOneClientShareOneConnection() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        let client = MosaicClient(socketPath: daemon.socketPath, timeout: 30)
        let before = try accepted(client)
        _ = try client.status()
        _ = try client.jobs(limit: 5)
        _ = try client.submit(SubmitRequest(render: smallRender()))
        _ = try client.raw(method: "GET", path: "/v1/models", body: nil)
        _ = try? client.job(999_999)  // a 404 keeps the connection too
        #expect(try accepted(client) == before, "every call after the first reused its connection")
        #expect(metricValue("mosaic_http_connections_open", in: try client.metrics()) == 1)
        // Another client has a connection of its own.
        _ = try MosaicClient(socketPath: daemon.socketPath).status()
        #expect(try accepted(client) == before + 1)
    }

    @Test func aConnectionClosedByTheIdleTimeoutIsReplaced() throws {
        let daemon = try DaemonProcess(extraArguments: ["--idle-timeout", "0.5"])
        defer { daemon.stop() }
        let client = MosaicClient(socketPath: daemon.socketPath, timeout: 30)
        let before = try accepted(client)
        usleep(1_000_000)  // the daemon closes the kept connection meanwhile
        // A POST, which is never sent twice blindly: the closed connection is seen before it.
        let job = try client.submit(SubmitRequest(render: smallRender()))
        usleep(1_000_000)
        #expect(try client.job(job.id).id == job.id)
        #expect(try accepted(client) == before + 2, "one connection for each call after an idle second")
        #expect(try client.allJobs().count == 1, "submitted once")
    }

    @Test func aRequestAfterTheDaemonRestartedIsAnswered() throws {
        var daemon = try DaemonProcess()
        let client = MosaicClient(socketPath: daemon.socketPath, timeout: 30)
        let job = try client.submit(SubmitRequest(render: smallRender()))
        daemon.stop()
        daemon = try DaemonProcess(directory: daemon.directory)
        defer { daemon.stop() }
        #expect(try client.job(job.id).id == job.id)
        #expect(try client.status().version == "0.1.0")
    }

    @Test func anEventStreamHasAConnectionOfItsOwn() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        let client = MosaicClient(socketPath: daemon.socketPath, timeout: 30)
        let job = try client.submit(SubmitRequest(render: smallRender()))
        let before = try accepted(client)
        var ended = false
        try client.events(job.id) { event in
            if event.type == .end { ended = true }
            return true
        }
        #expect(ended)
        #expect(try accepted(client) == before + 1, "the stream's connection, and the kept one for the rest")
    }

    /// `mosaic_http_connections_accepted_total`, read through `client`'s kept connection.
    private func accepted(_ client: MosaicClient) throws -> Int {
        try #require(metricValue("mosaic_http_connections_accepted_total", in: try client.metrics()))
    }
}

/// What a client may send again after its kept-alive connection broke, against a scripted daemon
/// that reads a second request on the connection and closes without answering it.
@Suite struct ClientResendTests {
    private static let answer = Wire.response(200, Wire.json(Sample.status))

    @Test func aGetIsSentAgainOnANewConnection() throws {
        let connections = Counter()
        let server = try FakeDaemon { _ in
            connections.next() == 0 ? .sendThenSwallowNext([Self.answer]) : .send([Self.answer])
        }
        defer { server.stop() }
        let client = MosaicClient(socketPath: server.path)
        _ = try client.status()
        #expect(try client.status() == Sample.status)
        #expect(server.requests.map(\.target) == ["/v1/status", "/v1/status", "/v1/status"])
    }

    @Test func aPostTheDaemonReadIsNotSentAgain() throws {
        let server = try FakeDaemon { _ in .sendThenSwallowNext([Self.answer]) }
        defer { server.stop() }
        let client = MosaicClient(socketPath: server.path)
        _ = try client.status()
        #expect(throws: ClientError.self) { _ = try client.pause() }
        #expect(server.requests.map(\.method) == ["GET", "POST"])
    }

    @Test func aPostAfterTheDaemonClosedTheConnectionGoesOnANewOne() throws {
        // The scripted daemon closes each connection after its answer, without saying so.
        let server = try FakeDaemon(answer: Self.answer)
        defer { server.stop() }
        let client = MosaicClient(socketPath: server.path)
        for _ in 0..<20 {
            _ = try client.status()
            _ = try client.pause()
        }
        #expect(server.requests.count == 40)
    }

    @Test func anAnswerThatClosesTheConnectionIsNotKept() throws {
        let close = Wire.response(200, Wire.json(Sample.status), extraHeaders: "Connection: close\r\n")
        // The scripted daemon keeps each connection open until the client leaves.
        let server = try FakeDaemon { _ in .sendAndHold([close]) }
        defer { server.stop() }
        let client = MosaicClient(socketPath: server.path)
        _ = try client.status()
        _ = try client.pause()
        #expect(server.requests.map(\.method) == ["GET", "POST"], "the POST went on a new connection")
    }
}
