import Foundation
import MosaicAPI
import MosaicClient
import MosaicTestSupport
import Testing

/// What the fuzzer found in the daemon, pinned against the real daemon so it stays fixed.
@Suite struct FuzzFindingsTests {
    /// `older_than_seconds` of 1.8e19 made the cutoff's conversion to milliseconds trap, and
    /// the daemon died of SIGILL.
    @Test func aPruneCutoffBeyondInt64DoesNotCrashTheDaemon() throws {
        let daemon = try DaemonProcess()
        for value in ["18446744073709551616", "1e300", "9223372036854775.807"] {
            let answer = try daemon.client.raw(
                method: "POST", path: "/v1/jobs/prune",
                body: Array("{\"older_than_seconds\":\(value)}".utf8))
            #expect(answer.status == 200, "\(value): \(String(decoding: answer.body, as: UTF8.self))")
        }
        #expect(try !daemon.client.status().version.isEmpty)  // still up
        #expect(daemon.stop() == 0)
    }

    /// Broken HTTP was answered by NIO's handler: 400 with an empty body, the one answer that
    /// was not the API's JSON error.
    @Test func malformedHTTPGetsTheAPIsJSONError() throws {
        let daemon = try DaemonProcess()
        for request in [
            "GET /v1/status HTTP/1.1\r\nContent-Length: 0x10\r\n\r\n", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
            "POST /v1/jobs HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
        ] {
            let connection = try RawConnection.connect(path: daemon.socketPath, timeout: 5)
            connection.send(Array(request.utf8), until: MonotonicClock.now + 5)
            let bytes = connection.receive(until: MonotonicClock.now + 10) { _ in false }
            let parsed = ResponseParser.parse(bytes, eof: connection.closedByPeer)
            #expect(parsed.responses.count == 1, "\(request.debugDescription)")
            guard let answer = parsed.responses.first else { continue }
            #expect(answer.status == 400)
            let error = try APICoding.decoder().decode(ErrorResponse.self, from: Data(answer.body))
            #expect(error.error.code == .badRequest && error.error.message.hasPrefix("malformed HTTP request"))
        }
        #expect(daemon.stop() == 0)
    }

    /// schemathesis (ST204): a 405 must say which methods the resource takes (RFC 9110).
    @Test func methodNotAllowedListsTheAllowedMethods() throws {
        let daemon = try DaemonProcess()
        for (method, path, allow) in [
            ("TRACE", "/v1/status", "GET"), ("PUT", "/v1/jobs", "POST, GET"),
            ("GET", "/v1/jobs/7/cancel", "POST"), ("POST", "/v1/jobs/7", "GET, DELETE"),
            ("OPTIONS", "/v1/jobs/prune", "POST"), ("GET", "/v1/jobs/prune", "POST"),
        ] {
            let answer = try daemon.client.raw(method: method, path: path, body: nil)
            #expect(answer.status == 405 && answer.headers["allow"] == allow, "\(method) \(path): \(answer.headers)")
        }
        #expect(try daemon.client.raw(method: "GET", path: "/v1/status", body: nil).headers["allow"] == nil)
        #expect(daemon.stop() == 0)
    }

    /// schemathesis (ST201, ST202): what the schema refuses the daemon refuses, and what it
    /// allows the daemon takes.
    @Test func schemaEdgesFoundBySchemathesis() throws {
        let daemon = try DaemonProcess()
        _ = try daemon.client.pause()
        func post(_ path: String, _ json: String) throws -> (Int, String) {
            let answer = try daemon.client.raw(method: "POST", path: path, body: Array(json.utf8))
            return (answer.status, String(decoding: answer.body, as: UTF8.self))
        }
        let nullPriority = try post("/v1/jobs", #"{"priority":null,"render":{"prompt":"sea","width":64,"height":64}}"#)
        #expect(nullPriority.0 == 400 && nullPriority.1.contains("invalid priority: null"), "\(nullPriority)")
        let nullWidth = try post("/v1/jobs", #"{"render":{"prompt":"sea","width":null}}"#)
        #expect(nullWidth.0 == 400 && nullWidth.1.contains("invalid render.width: null"), "\(nullWidth)")
        let nullStates = try post("/v1/jobs/prune", #"{"states":null}"#)
        #expect(nullStates.0 == 400, "\(nullStates)")
        // A small tile without an overlap gets an overlap that fits it, not a 400.
        let smallTile = try post("/v1/jobs", #"{"render":{"prompt":"sea","width":64,"height":64,"tile_size":8}}"#)
        #expect(smallTile.0 == 201 && smallTile.1.contains(#""tile_overlap":4"#), "\(smallTile)")
        let defaults = try post("/v1/jobs", #"{"render":{"prompt":"sea","width":64,"height":64}}"#)
        #expect(defaults.0 == 201 && defaults.1.contains(#""tile_overlap":16"#), "\(defaults)")
        for tiling in ["none", "shifted", "overlap"] {
            let overlap = try post(
                "/v1/jobs",
                #"{"render":{"prompt":"sea","width":64,"height":64,"tile_size":8,"tile_overlap":257,"tiling":"\#(tiling)"}}"#
            )
            #expect(overlap.0 == 400 && overlap.1.contains("invalid tile_overlap"), "\(tiling): \(overlap)")
        }
        // DDIM and DPM++ 2M cannot take 1000 steps: 400 at once, not a job that fails when it starts.
        for sampler in ["ddim", "dpmpp_2m"] {
            let steps = try post(
                "/v1/jobs", #"{"render":{"prompt":"sea","width":64,"height":64,"steps":1000,"sampler":"\#(sampler)"}}"#)
            #expect(steps.0 == 400 && steps.1.contains("invalid steps"), "\(sampler): \(steps)")
        }
        #expect(
            try post("/v1/jobs", #"{"render":{"prompt":"sea","width":64,"height":64,"steps":1000,"sampler":"euler"}}"#)
                .0 == 201)
        for query in ["state=", "state=queued,", "state=,running"] {
            #expect(
                try daemon.client.raw(method: "GET", path: "/v1/jobs?\(query)", body: nil).status == 400, "\(query)")
        }
        #expect(try daemon.client.raw(method: "GET", path: "/v1/jobs?state=queued,running", body: nil).status == 200)
        #expect(daemon.stop() == 0)
    }

    /// What one raw connection got for `request`: the parsed answers and whether the daemon
    /// closed it. `halfClose` shuts down the sending side after the request.
    private func exchange(
        _ request: String, on daemon: DaemonProcess, halfClose: Bool, heads: [Bool] = [],
        answers: Int
    ) throws -> (responses: [ParsedResponse], closed: Bool) {
        let connection = try RawConnection.connect(path: daemon.socketPath, timeout: 5)
        connection.send(Array(request.utf8), until: MonotonicClock.now + 5)
        if halfClose { connection.finishSending() }
        // Read until the daemon hangs up (or 10 s): every answer here must end with a close.
        let bytes = connection.receive(until: MonotonicClock.now + 10) { _ in false }
        let parsed = ResponseParser.parse(bytes, eof: connection.closedByPeer, headRequests: heads)
        #expect(parsed.garbage.isEmpty, "\(request.debugDescription): \(parsed.garbage.count) bytes that are not HTTP")
        #expect(parsed.responses.count == answers, "\(request.debugDescription)")
        return (parsed.responses, connection.closedByPeer)
    }

    /// `CONNECT host:443` was answered 404 with `Connection: keep-alive` and neither body nor
    /// Content-Length (NIO's encoder strips both from any answer to CONNECT), so a client could
    /// not tell where the answer ended. It is now the API's JSON error, delimited, and the
    /// connection closes (NIO parses nothing after a CONNECT).
    @Test func connectGetsADelimitedJSONErrorAndAClose() throws {
        let daemon = try DaemonProcess()
        for (target, status) in [("host:443", 404), ("/v1/status", 405)] {
            let (responses, closed) = try exchange(
                "CONNECT \(target) HTTP/1.1\r\nHost: x\r\n\r\n", on: daemon,
                halfClose: false, answers: 1)
            #expect(closed, "CONNECT \(target): the connection stays open")
            guard let answer = responses.first else { continue }
            #expect(answer.status == status && answer.complete && answer.header("connection") == "close", "\(answer)")
            #expect(
                answer.header("content-length") == String(answer.body.count), "CONNECT \(target): \(answer.headers)")
            let error = try APICoding.decoder().decode(ErrorResponse.self, from: Data(answer.body))
            #expect(error.error.code.httpStatus == status)
        }
        #expect(daemon.stop() == 0)
    }

    /// A client that shut down its sending side after its request got the head of the answer and
    /// then end-of-file: the channel closed on the input's end while the answer was written.
    /// Now the whole answer arrives, and then the close; pipelined requests are all answered.
    @Test func aHalfClosedClientGetsItsWholeAnswer() throws {
        let daemon = try DaemonProcess()
        _ = try daemon.client.pause()
        for index in 0..<20 {
            _ = try daemon.client.raw(
                method: "POST", path: "/v1/jobs",
                body: Array(#"{"render":{"prompt":"sea \#(index)","width":64,"height":64}}"#.utf8))
        }
        let get = { (path: String) in "GET \(path) HTTP/1.1\r\nHost: x\r\n\r\n" }
        let cutBody = #"{"render":{"prompt":"#
        let cases: [(String, [Int])] = [
            (get("/v1/status"), [200]), (get("/v1/jobs"), [200]), (get("/v1/jobs/999"), [404]),
            ("POST /v1/jobs HTTP/1.1\r\nHost: x\r\nContent-Length: \(cutBody.utf8.count)\r\n\r\n\(cutBody)", [400]),
            // The fuzzer's case #37442: valid chunks of a cut JSON body.
            (
                "POST /v1/jobs HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + String(decoding: HTTPText.chunked(Array(cutBody.utf8), chunkSize: 3), as: UTF8.self), [400]
            ),
            (get("/v1/status") + get("/v1/jobs") + get("/v1/models"), [200, 200, 200]),
        ]
        for (request, statuses) in cases {
            for _ in 0..<5 {  // the race lost the body only some of the time
                let (responses, closed) = try exchange(request, on: daemon, halfClose: true, answers: statuses.count)
                #expect(closed, "\(request.debugDescription): the connection stays open")
                #expect(responses.map(\.status) == statuses)
                for answer in responses {
                    #expect(
                        answer.complete && answer.header("content-length") == String(answer.body.count), "\(answer)")
                    #expect(
                        (try? JSONSerialization.jsonObject(with: Data(answer.body))) != nil,
                        "\(request.debugDescription)")
                }
            }
        }
        // An event stream ends when its client stops sending, as before: a client that hung up
        // must not hold a stream (and a place under max_event_streams) until the job's next event.
        let (_, closed) = try exchange(get("/v1/jobs/1/events"), on: daemon, halfClose: true, answers: 1)
        #expect(closed)
        #expect(daemon.stop() == 0)
    }

    /// The codec no longer learns the request's method, so the daemon leaves out the body of an
    /// answer to HEAD itself: the head (with the Content-Length a GET would get) and nothing
    /// more, and the connection carries the next request.
    @Test func anAnswerToHeadHasNoBody() throws {
        let daemon = try DaemonProcess()
        let request = "HEAD /v1/status HTTP/1.1\r\nHost: x\r\n\r\nGET /v1/status HTTP/1.1\r\nHost: x\r\n\r\n"
        let (responses, _) = try exchange(request, on: daemon, halfClose: true, heads: [true, false], answers: 2)
        #expect(responses.map(\.status) == [405, 200])
        #expect(responses.first.map { Int($0.header("content-length") ?? "") ?? 0 > 0 } == true)
        #expect(responses.last.map { (try? JSONSerialization.jsonObject(with: Data($0.body))) != nil } == true)
        #expect(daemon.stop() == 0)
    }
}
