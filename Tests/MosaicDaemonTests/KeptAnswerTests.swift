import Foundation
import MosaicAPI
import MosaicClient
@testable import MosaicFuzz
import Testing

/// GETs of unchanged jobs and listings are answered on the event loop, byte for byte as the
/// long way answers them, never stale, and in order behind answers still owed.
@Suite struct KeptAnswerTests {
    private func kept(_ client: MosaicClient) throws -> Int {
        try #require(ClientKeepAliveTests.metric("mosaic_http_kept_answers_total", in: try client.metrics()))
    }

    @Test func keptAnswersAreTheSameBytesAndNeverStale() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        _ = try daemon.client.pause()
        let job = try daemon.client.submit(SubmitRequest(render: RenderSpec(prompt: "calm sea", width: 64, height: 64)))
        let before = try kept(daemon.client)
        let first = try daemon.client.raw(method: "GET", path: "/v1/jobs/\(job.id)", body: nil)
        let firstList = try daemon.client.raw(method: "GET", path: "/v1/jobs?limit=5", body: nil)
        #expect(try kept(daemon.client) == before, "the first reads go the long way and are kept")
        for _ in 0..<3 {
            let again = try daemon.client.raw(method: "GET", path: "/v1/jobs/\(job.id)", body: nil)
            #expect(again.status == 200 && again.body == first.body)
            #expect(try daemon.client.raw(method: "GET", path: "/v1/jobs?limit=5", body: nil).body == firstList.body)
        }
        #expect(try kept(daemon.client) == before + 6)
        // A change is seen at once, kept answers or not; the listing is rebuilt first, so it
        // must not take the job's kept (now stale) answer.
        _ = try daemon.client.cancel(job.id)
        #expect(try daemon.client.jobs(limit: 5).jobs.first?.state == .canceled)
        #expect(try daemon.client.job(job.id).state == .canceled)
        // Bad queries still get their 400 the long way.
        #expect(try daemon.client.raw(method: "GET", path: "/v1/jobs?limit=0", body: nil).status == 400)
    }

    @Test func answersStayInOrderBehindOnesStillOwed() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        _ = try daemon.client.pause()
        let job = try daemon.client.submit(SubmitRequest(render: RenderSpec(prompt: "calm sea", width: 64, height: 64)))
        _ = try daemon.client.job(job.id)  // now kept
        // The log goes the long way; the kept show pipelined behind it must not overtake it
        // (HTTPServerPipelineHandler hands requests on one at a time).
        let get = { (path: String) in "GET \(path) HTTP/1.1\r\nHost: x\r\n\r\n" }
        let connection = try MosaicFuzz.RawConnection.connect(path: daemon.socketPath, timeout: 5)
        connection.send(Array((get("/v1/jobs/\(job.id)/log") + get("/v1/jobs/\(job.id)") + get("/v1/status")
                               + get("/v1/jobs/\(job.id)")).utf8), until: MonotonicClock.now + 5)
        var parsed = ResponseParser.parse([], eof: false, headRequests: [])
        let bytes = connection.receive(until: MonotonicClock.now + 10) { received in
            parsed = ResponseParser.parse(received, eof: false, headRequests: [])
            return parsed.responses.filter(\.complete).count >= 4
        }
        parsed = ResponseParser.parse(bytes, eof: connection.closedByPeer, headRequests: [])
        #expect(parsed.responses.map(\.status) == [200, 200, 200, 200])
        let bodies = parsed.responses.map { String(decoding: $0.body, as: UTF8.self) }
        #expect(bodies.count == 4 && bodies[0].hasPrefix("[") && bodies[1].contains("\"id\":\(job.id)")
                && bodies[2].contains("\"version\"") && bodies[3] == bodies[1], "\(bodies)")
    }
}
