import Foundation
import MosaicAPI
import MosaicClient
import MosaicTestSupport
import Testing

/// GETs of unchanged jobs and listings are answered from the response cache, byte for byte as
/// the first answer, never stale, and in order behind answers still owed.
@Suite struct CachedAnswerTests {
    private func cached(_ client: MosaicClient) throws -> Int {
        try #require(metricValue("mosaic_http_kept_answers_total", in: try client.metrics()))
    }

    /// A daemon with its queue paused and one queued job, whose show is now cached.
    private func pausedDaemonWithCachedJob() throws -> (DaemonProcess, Job) {
        let daemon = try DaemonProcess()
        _ = try daemon.client.pause()
        let job = try daemon.client.submit(SubmitRequest(render: RenderSpec(prompt: "calm sea", width: 64, height: 64)))
        _ = try daemon.client.job(job.id)
        return (daemon, job)
    }

    @Test func cachedAnswersAreTheSameBytesAndNeverStale() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        _ = try daemon.client.pause()
        let job = try daemon.client.submit(SubmitRequest(render: RenderSpec(prompt: "calm sea", width: 64, height: 64)))
        let before = try cached(daemon.client)
        let first = try daemon.client.raw(method: "GET", path: "/v1/jobs/\(job.id)", body: nil)
        let firstList = try daemon.client.raw(method: "GET", path: "/v1/jobs?limit=5", body: nil)
        #expect(try cached(daemon.client) == before, "the first reads go to the database and are cached")
        for _ in 0..<3 {
            let again = try daemon.client.raw(method: "GET", path: "/v1/jobs/\(job.id)", body: nil)
            #expect(again.status == 200 && again.body == first.body)
            #expect(try daemon.client.raw(method: "GET", path: "/v1/jobs?limit=5", body: nil).body == firstList.body)
        }
        #expect(try cached(daemon.client) == before + 6)
        // A change is seen at once, cached answers or not; the listing is rebuilt first, so it
        // must not take the job's cached (now stale) answer.
        _ = try daemon.client.cancel(job.id)
        #expect(try daemon.client.jobs(limit: 5).jobs.first?.state == .canceled)
        #expect(try daemon.client.job(job.id).state == .canceled)
        // Bad queries still get their 400.
        #expect(try daemon.client.raw(method: "GET", path: "/v1/jobs?limit=0", body: nil).status == 400)
    }

    @Test func answersStayInOrderBehindOnesStillOwed() throws {
        let (daemon, job) = try pausedDaemonWithCachedJob()
        defer { daemon.stop() }
        // The log is not cached; the cached show pipelined behind it must not overtake it
        // (HTTPServerPipelineHandler hands requests on one at a time).
        let get = { (path: String) in "GET \(path) HTTP/1.1\r\nHost: x\r\n\r\n" }
        let connection = try RawConnection.connect(path: daemon.socketPath, timeout: 5)
        connection.send(
            Array(
                (get("/v1/jobs/\(job.id)/log") + get("/v1/jobs/\(job.id)") + get("/v1/status")
                    + get("/v1/jobs/\(job.id)")).utf8), until: MonotonicClock.now + 5)
        var parsed = ResponseParser.parse([], eof: false, headRequests: [])
        let bytes = connection.receive(until: MonotonicClock.now + 10) { received in
            parsed = ResponseParser.parse(received, eof: false, headRequests: [])
            return parsed.responses.filter(\.complete).count >= 4
        }
        parsed = ResponseParser.parse(bytes, eof: connection.closedByPeer, headRequests: [])
        #expect(parsed.responses.map(\.status) == [200, 200, 200, 200])
        let bodies = parsed.responses.map { String(decoding: $0.body, as: UTF8.self) }
        #expect(
            bodies.count == 4 && bodies[0].hasPrefix("[") && bodies[1].contains("\"id\":\(job.id)")
                && bodies[2].contains("\"version\"") && bodies[3] == bodies[1], "\(bodies)")
    }

    /// One request on a fresh raw connection, sent in `pieces` writes `pause` seconds apart; the
    /// whole answer as received, read until the connection ends when `halfClose` shuts down our side.
    private func exchange(_ request: String, socket: String, pieces: Int = 1, halfClose: Bool = false)
        throws -> (bytes: [UInt8], closed: Bool)
    {
        let connection = try RawConnection.connect(path: socket, timeout: 5)
        let bytes = Array(request.utf8)
        let cut = bytes.count / 2
        let parts: [ArraySlice<UInt8>] = pieces == 1 ? [bytes[...]] : [bytes[..<cut], bytes[cut...]]
        for index in parts.indices {
            if index > 0 { usleep(100_000) }  // a read of its own: the first half is a partial request
            #expect(connection.send(Array(parts[index]), until: MonotonicClock.now + 5))
        }
        if halfClose { connection.finishSending() }
        let received = connection.receive(until: MonotonicClock.now + 10) { received in
            let parsed = ResponseParser.parse(received, eof: false, headRequests: [])
            return !halfClose && parsed.responses.first?.complete == true
        }
        return (received, connection.closedByPeer)
    }

    @Test func aClientThatHalfClosesAfterAGETGetsTheWholeAnswer() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        _ = try daemon.client.pause()
        for index in 0..<30 {
            _ = try daemon.client.submit(
                SubmitRequest(render: RenderSpec(prompt: "calm sea \(index)", width: 64, height: 64)))
        }
        _ = try daemon.client.raw(method: "GET", path: "/v1/jobs?limit=30", body: nil)  // now cached
        let (bytes, closed) = try exchange(
            "GET /v1/jobs?limit=30 HTTP/1.1\r\nHost: x\r\n\r\n", socket: daemon.socketPath, halfClose: true)
        let answers = ResponseParser.parse(bytes, eof: closed, headRequests: []).responses
        #expect(closed && answers.count == 1 && answers.first?.complete == true && answers.first?.status == 200)
        #expect(try daemon.client.jobs(limit: 30).jobs.count == 30)
    }

    @Test func aCachedAnswerWaitsForTheAnswerOwedBeforeIt() throws {
        let (daemon, job) = try pausedDaemonWithCachedJob()
        defer { daemon.stop() }
        // The queued job's event stream is an answer that does not end while the job waits; a
        // cached show sent after it, in a read of its own, must wait for the stream's end.
        let connection = try RawConnection.connect(path: daemon.socketPath, timeout: 5)
        #expect(
            connection.send(
                Array("GET /v1/jobs/\(job.id)/events HTTP/1.1\r\nHost: x\r\n\r\n".utf8), until: MonotonicClock.now + 5))
        var received = connection.receive(until: MonotonicClock.now + 5) {
            String(decoding: $0, as: UTF8.self).contains("\"type\":\"state\"")
        }
        #expect(
            connection.send(
                Array("GET /v1/jobs/\(job.id) HTTP/1.1\r\nHost: x\r\n\r\n".utf8), until: MonotonicClock.now + 5))
        received += connection.receive(until: MonotonicClock.now + 0.5) { _ in false }
        var answers = ResponseParser.parse(received, eof: false, headRequests: []).responses
        #expect(answers.count == 1 && answers.first?.complete == false, "the show must not overtake the stream")
        _ = try daemon.client.cancel(job.id)
        received += connection.receive(until: MonotonicClock.now + 10) { more in
            ResponseParser.parse(received + more, eof: false, headRequests: []).responses.filter(\.complete).count >= 2
        }
        answers = ResponseParser.parse(received, eof: false, headRequests: []).responses
        #expect(answers.map(\.status) == [200, 200] && answers.allSatisfy(\.complete))
        let show = answers.last.map { String(decoding: $0.body, as: UTF8.self) } ?? ""
        #expect(show.hasPrefix("{") && show.contains("\"state\":\"canceled\""), "\(show)")
    }
}
