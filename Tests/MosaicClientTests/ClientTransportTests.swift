import Foundation
import Glibc
import MosaicAPI
import MosaicTestSupport
import Testing

@testable import MosaicClient

/// The client's HTTP/1.1 over a real Unix socket, against canned raw answers.
@Suite struct ClientTransportTests {
    @Test func contentLengthBodyDecodes() throws {
        let server = try FakeDaemon(answer: Wire.response(200, Wire.json(Sample.status)))
        defer { server.stop() }
        let status = try MosaicClient(socketPath: server.path).status()
        #expect(status == Sample.status)
        #expect(server.requests.first?.head.hasPrefix("GET /v1/status HTTP/1.1\r\n") == true)
    }

    @Test func postSendsExactlyTheseBytes() throws {
        let job = Sample.job(9)
        let server = try FakeDaemon(answer: Wire.response(201, Wire.json(job)))
        defer { server.stop() }
        let request = SubmitRequest(render: RenderSpec(prompt: "misty ocean", width: 2048, steps: 20), priority: 5)
        #expect(try MosaicClient(socketPath: server.path).submit(request) == job)

        let body = #"{"priority":5,"render":{"prompt":"misty ocean","steps":20,"width":2048}}"#
        let expected =
            "POST /v1/jobs HTTP/1.1\r\nHost: localhost\r\nUser-Agent: MosaicClient/1\r\n"
            + "Accept: application/json\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n"
            + "\r\n" + body
        #expect(String(decoding: server.requests.first?.raw ?? [], as: UTF8.self) == expected)
    }

    @Test func bodylessPostAnnouncesAnEmptyBodyAndDeleteDoesNot() throws {
        let server = try FakeDaemon(answer: Wire.response(200, Wire.json(Sample.job(3, .canceled))))
        defer { server.stop() }
        let client = MosaicClient(socketPath: server.path)
        _ = try client.cancel(3)
        _ = try client.remove(3)
        let requests = server.requests
        #expect(requests.map(\.method) == ["POST", "DELETE"])
        #expect(requests.map(\.target) == ["/v1/jobs/3/cancel", "/v1/jobs/3"])
        #expect(requests[0].head.contains("\r\nContent-Length: 0"))
        #expect(!requests[1].head.lowercased().contains("content-length"))
        // Kept alive, HTTP/1.1's default, so no Connection header.
        #expect(requests.allSatisfy { !$0.head.lowercased().contains("\r\nconnection:") && $0.body.isEmpty })
    }

    @Test func chunkedBodyWithExtensionsAndTrailersDecodes() throws {
        let page = JobPage(jobs: [Sample.job(5, .running), Sample.job(4, .succeeded)], nextBefore: 4)
        let json = Wire.json(page)
        // Chunks cut mid-token, one with an extension, then a trailer after the last chunk.
        let chunks = Wire.cut(json, at: [1, 17, 300])
        var answer = Array("HTTP/1.1 200 OK\r\ntransfer-encoding:  chunked \r\nX-Note: a\r\nx-note: b\r\n\r\n".utf8)
        for (index, piece) in chunks.enumerated() {
            answer +=
                Array("\(String(piece.count, radix: 16))\(index == 1 ? ";name=value" : "")\r\n".utf8) + piece + [
                    13, 10,
                ]
        }
        answer += Array("0\r\nX-Trailer: done\r\n\r\n".utf8)
        let pieces = Wire.split(answer, sizes: [5, 1, 64])
        let server = try FakeDaemon { _ in .send(pieces) }
        defer { server.stop() }
        let client = MosaicClient(socketPath: server.path)
        #expect(try client.jobs(states: [.queued, .running], owner: 1000, limit: 10, before: 99) == page)
        #expect(server.requests.first?.target == "/v1/jobs?state=queued&state=running&owner=1000&limit=10&before=99")
        let raw = try client.raw(method: "GET", path: "/v1/jobs", body: nil)
        #expect(raw.headers["x-note"] == "a, b" && raw.body == json)
    }

    @Test func allJobsFollowsPagesToTheEnd() throws {
        let server = try FakeDaemon { request in
            let page =
                request.target.contains("before=5")
                ? JobPage(jobs: [Sample.job(4)], nextBefore: nil)
                : JobPage(jobs: [Sample.job(6), Sample.job(5)], nextBefore: 5)
            return .send([Wire.response(200, Wire.json(page))])
        }
        defer { server.stop() }
        let jobs = try MosaicClient(socketPath: server.path).allJobs(states: [.failed])
        #expect(jobs.map(\.id) == [6, 5, 4])
        #expect(
            server.requests.map(\.target) == [
                "/v1/jobs?state=failed&limit=500", "/v1/jobs?state=failed&limit=500&before=5",
            ])
    }

    @Test func binaryBodiesArriveByteForByte() throws {
        let image = (0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 31) } + Array("\r\n\r\n0\r\n".utf8)
        let server = try FakeDaemon { request in
            request.target.hasSuffix("output")
                ? .send(Wire.split(Wire.response(200, image, contentType: "image/webp"), sizes: [4096, 3]))
                : .send([Wire.chunked(200, Wire.cut(image, at: [1, 65_537, 2]), contentType: "image/webp")])
        }
        defer { server.stop() }
        let client = MosaicClient(socketPath: server.path)
        #expect(try client.output(1) == image)
        #expect(try client.preview(1) == image)
    }

    @Test func bodyUntilCloseAndInterimAnswersAreRead() throws {
        let text = "# TYPE mosaic_uptime_seconds gauge\nmosaic_uptime_seconds 12\n"
        let answer =
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\n\r\n" + text
        let server = try FakeDaemon(answer: Array(answer.utf8))
        defer { server.stop() }
        #expect(try MosaicClient(socketPath: server.path).metrics() == text)
    }

    @Test func percentEncodesQueryValues() {
        #expect(QueryString.encode("a b&c=d/é~_.-") == "a%20b%26c%3Dd%2F%C3%A9~_.-")
        var query = QueryString()
        query.add("state", "queued")
        query.add("q", "x+y")
        #expect(query.text == "?state=queued&q=x%2By")
        #expect(QueryString().text == "")
    }

    @Test func requestTargetsThatWouldBreakTheRequestLineAreRefused() throws {
        let client = MosaicClient(socketPath: "/nonexistent/never-used.sock")
        for (method, path) in [
            ("GET", "/a b"), ("GET", "v1/status"), ("GE T", "/"), ("GET", "/x\r\nHost: evil"),
            ("", "/"), ("GET", ""), ("GÉT", "/"), ("GET\r\n", "/"), ("GET", "/é"),
        ] {
            #expect(throws: ClientError.self) { _ = try client.raw(method: method, path: path, body: nil) }
            do { _ = try client.raw(method: method, path: path, body: nil) } catch {
                guard case .invalidRequest = error else {
                    Issue.record("\(method) \(path): \(error)")
                    continue
                }
            }
        }
    }
}
