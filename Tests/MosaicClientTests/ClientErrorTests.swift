import Foundation
import Glibc
import MosaicAPI
import MosaicClient
import MosaicTestSupport
import Testing

/// How the client reports daemons that are absent, refuse, answer badly or do not answer.
@Suite struct ClientErrorTests {
    /// Runs `body` and returns the ClientError it threw, recording an issue if it threw none.
    func failure(_ body: () throws -> Void) -> ClientError? {
        do { try body() } catch {
            if let error = error as? ClientError { return error }
            Issue.record("not a ClientError: \(error)")
            return nil
        }
        Issue.record("no error thrown")
        return nil
    }

    @Test func notFoundAnswerBecomesAnAPIError() throws {
        let server = try FakeDaemon(answer: Wire.error(.notFound, "no job 42"))
        defer { server.stop() }
        let error = failure { _ = try MosaicClient(socketPath: server.path).job(42) }
        #expect(error == .api(status: 404, error: APIError(.notFound, "no job 42")))
        #expect(error?.description == "no job 42 (HTTP 404 not_found)")
    }

    @Test func nonJSONErrorBodyStillBecomesAnAPIError() throws {
        let server = try FakeDaemon { request in
            request.target.hasSuffix("status")
                ? .send([Wire.response(502, Array("Bad Gateway\n<html>...</html>".utf8), contentType: "text/html")])
                : .send([Wire.response(403, [])])
        }
        defer { server.stop() }
        let client = MosaicClient(socketPath: server.path)
        #expect(failure { _ = try client.status() } == .api(status: 502, error: APIError(.unavailable, "Bad Gateway")))
        #expect(
            failure { _ = try client.pause() } == .api(status: 403, error: APIError(.forbidden, "HTTP 403 Forbidden")))
    }

    @Test func errorStatusesThroughEventsAreAPIErrors() throws {
        let server = try FakeDaemon(answer: Wire.error(.notFound, "no job 8"))
        defer { server.stop() }
        let error = failure { try MosaicClient(socketPath: server.path).events(8) { _ in true } }
        #expect(error?.httpStatus == 404)
    }

    @Test func garbageIsAProtocolViolation() throws {
        let server = try FakeDaemon(answer: Array("SSH-2.0-OpenSSH_9.2\r\n\r\n".utf8))
        defer { server.stop() }
        guard case .protocolViolation(let detail) = failure({ _ = try MosaicClient(socketPath: server.path).status() })
        else {
            Issue.record("not a protocol violation")
            return
        }
        #expect(detail.contains("SSH-2.0"))
    }

    @Test func badChunkSizeIsAProtocolViolation() throws {
        let server = try FakeDaemon(answer: Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n".utf8))
        defer { server.stop() }
        guard case .protocolViolation = failure({ _ = try MosaicClient(socketPath: server.path).status() }) else {
            Issue.record("not a protocol violation")
            return
        }
    }

    @Test func wrongJSONIsUndecodableAndNamesTheType() throws {
        let server = try FakeDaemon(answer: Wire.response(200, Array(#"{"version": 3}"#.utf8)))
        defer { server.stop() }
        guard case .undecodable(let type, _) = failure({ _ = try MosaicClient(socketPath: server.path).status() })
        else {
            Issue.record("not undecodable")
            return
        }
        #expect(type == "DaemonStatus")
    }

    @Test func truncatedBodyIsALostConnection() throws {
        let server = try FakeDaemon(answer: Array("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"version\"".utf8))
        defer { server.stop() }
        guard case .connectionLost = failure({ _ = try MosaicClient(socketPath: server.path).status() }) else {
            Issue.record("not a lost connection")
            return
        }
    }

    @Test func silentDaemonTimesOut() throws {
        let server = try FakeDaemon { _ in .silent }
        defer { server.stop() }
        let started = Date()
        let error = failure { _ = try MosaicClient(socketPath: server.path, timeout: 0.3).status() }
        guard case .timeout(let socket, _, let seconds) = error else {
            Issue.record("\(String(describing: error))")
            return
        }
        #expect(socket == server.path && seconds == 0.3)
        #expect(Date().timeIntervalSince(started) < 3)
    }

    @Test func missingSocketIsUnreachable() {
        let path = FakeDaemon.temporarySocketPath()
        guard case .unreachable(let socket, let reason) = failure({ _ = try MosaicClient(socketPath: path).status() })
        else {
            Issue.record("not unreachable")
            return
        }
        #expect(socket == path && reason.contains("No such file"))
    }

    @Test func staleSocketFileIsUnreachable() throws {
        // A daemon that died leaves its socket file behind: connecting is refused.
        let path = FakeDaemon.temporarySocketPath()
        close(try FakeDaemon.listen(at: path))
        defer { unlink(path) }
        guard case .unreachable(_, let reason) = failure({ _ = try MosaicClient(socketPath: path).status() }) else {
            Issue.record("not unreachable")
            return
        }
        #expect(reason.contains("refused"))
    }

    @Test func overlongSocketPathIsUnreachable() {
        let path = "/tmp/" + String(repeating: "x", count: 200)
        guard case .unreachable = failure({ _ = try MosaicClient(socketPath: path).status() }) else {
            Issue.record("not unreachable")
            return
        }
    }

    @Test func nonFiniteNumbersAreRefusedBeforeSending() {
        let request = SubmitRequest(render: RenderSpec(prompt: "x", guidance: .nan))
        guard case .invalidRequest = failure({ _ = try MosaicClient(socketPath: "/nonexistent.sock").submit(request) })
        else {
            Issue.record("not an invalid request")
            return
        }
    }
}
