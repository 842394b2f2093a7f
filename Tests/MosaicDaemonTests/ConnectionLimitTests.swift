import Foundation
import MosaicAPI
import MosaicClient
import MosaicTestSupport
import Testing

/// Stalled, slow and surplus clients against the real daemon on a real socket: each is cut off
/// or refused while other clients are served.
@Suite(.serialized) struct ConnectionLimitTests {
    @Test func stalledRequestIsClosedAfterTheReadTimeoutWhileOthersAreServed() throws {
        let daemon = try DaemonProcess(extraArguments: ["--read-timeout", "1", "--idle-timeout", "30"])
        defer { daemon.stop() }
        let stalled = try RawConnection.connect(daemon.socketPath)
        stalled.send("GET /v1/status HTTP/1.1\r\nHost: mosaicd\r\n")  // and never the blank line
        let started = Date()
        // Others are served while it stalls.
        for _ in 0..<5 { #expect(try daemon.client.status().version == "0.1.0") }
        _ = try #require(stalled.secondsUntilClosed(timeout: 10), "the stalled connection stayed open")
        let total = Date().timeIntervalSince(started)
        #expect(total >= 0.9 && total < 5, "closed after \(total) s")
        #expect(try daemon.client.status().version == "0.1.0")
    }

    @Test func tricklingRequestIsClosedAfterTheReadTimeout() throws {
        // A byte every 200 ms keeps a connection "active" but must not stretch the request.
        let daemon = try DaemonProcess(extraArguments: ["--read-timeout", "1", "--idle-timeout", "30"])
        defer { daemon.stop() }
        let slow = try RawConnection.connect(daemon.socketPath)
        let started = Date()
        var open = true
        for character
            in "GET /v1/status HTTP/1.1\r\nHost: mosaicd\r\nX-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"
        where open {
            open = slow.send(String(character)) && !slow.read(timeout: 0.2).closed
        }
        let elapsed = Date().timeIntervalSince(started)
        #expect(!open, "the trickling connection stayed open for \(elapsed) s")
        #expect(elapsed >= 0.9 && elapsed < 4, "closed after \(elapsed) s")
    }

    @Test func idleConnectionsAreClosedAfterTheIdleTimeout() throws {
        let daemon = try DaemonProcess(extraArguments: ["--idle-timeout", "1"])
        defer { daemon.stop() }
        // Connected, never a byte.
        let silent = try RawConnection.connect(daemon.socketPath)
        let silentSeconds = try #require(silent.secondsUntilClosed(timeout: 10), "the silent connection stayed open")
        #expect(silentSeconds >= 0.8 && silentSeconds < 5)
        // Kept alive after one answered request.
        let kept = try RawConnection.connect(daemon.socketPath)
        kept.get("/v1/status")
        let answer = kept.read(timeout: 5, until: "\"version\"")
        #expect(httpStatus(answer.text) == 200 && !answer.closed, "\(answer.text)")
        let keptSeconds = try #require(kept.secondsUntilClosed(timeout: 10), "the kept-alive connection stayed open")
        #expect(keptSeconds >= 0.8 && keptSeconds < 5)
    }

    @Test func connectionsBeyondTheCapGet503AndOthersAreUnaffected() throws {
        let daemon = try DaemonProcess(extraArguments: ["--max-connections", "2", "--idle-timeout", "30"])
        defer { daemon.stop() }
        // waitUntilReady's connections are closed; let the daemon notice.
        usleep(200_000)
        var first: RawConnection? = try RawConnection.connect(daemon.socketPath)
        let second = try RawConnection.connect(daemon.socketPath)
        first?.get("/v1/status")
        #expect(first.flatMap { httpStatus($0.read(timeout: 5, until: "\"version\"").text) } == 200)

        let third = try RawConnection.connect(daemon.socketPath)
        third.get("/v1/status")
        let refused = third.read(timeout: 5)
        #expect(httpStatus(refused.text) == 503, "\(refused.text)")
        #expect(refused.text.contains("max_connections"), "\(refused.text)")
        #expect(refused.closed, "the refused connection is closed")
        // One over the cap that sends nothing is not kept for the 30 s idle timeout.
        let silent = try RawConnection.connect(daemon.socketPath)
        let silentSeconds = try #require(
            silent.secondsUntilClosed(timeout: 10), "the refused silent connection stayed open")
        #expect(silentSeconds < 4, "closed after \(silentSeconds) s")
        // The first two are served as before.
        second.get("/v1/status")
        #expect(httpStatus(second.read(timeout: 5, until: "\"version\"").text) == 200)
        first?.get("/v1/models")
        #expect(first.flatMap { httpStatus($0.read(timeout: 5, until: "mosaic-field").text) } == 200)
        // A closed one frees its place.
        first = nil
        var served = false
        for _ in 0..<50 where !served {
            let next = try RawConnection.connect(daemon.socketPath)
            next.get("/v1/status", keepAlive: false)
            served = httpStatus(next.read(timeout: 5).text) == 200
            if !served { usleep(50_000) }
        }
        #expect(served)
    }

    @Test func eventStreamsBeyondTheCapGet429() throws {
        let daemon = try DaemonProcess(extraArguments: ["--max-event-streams", "1"])
        defer { daemon.stop() }
        _ = try daemon.client.pause()
        let job = try daemon.client.submit(SubmitRequest(render: smallRender()))
        var watcher: RawConnection? = try RawConnection.connect(daemon.socketPath)
        watcher?.get("/v1/jobs/\(job.id)/events")
        let streaming = watcher?.read(timeout: 5, until: "\"state\"")
        #expect(streaming.flatMap { httpStatus($0.text) } == 200)

        let refused = try daemon.client.raw(method: "GET", path: "/v1/jobs/\(job.id)/events", body: nil)
        #expect(refused.status == 429)
        let error = try? APICoding.decoder().decode(ErrorResponse.self, from: Data(refused.body))
        #expect(
            error?.error.message.contains("max_event_streams") == true, "\(error?.error.message ?? "no JSON error")")
        // Closing the first stream frees its place.
        watcher = nil
        var status = 0
        for _ in 0..<50 where status != 200 {
            let next = try RawConnection.connect(daemon.socketPath)
            next.get("/v1/jobs/\(job.id)/events")
            status = httpStatus(next.read(timeout: 5, until: "\r\n\r\n").text) ?? 0
            if status != 200 { usleep(50_000) }
        }
        #expect(status == 200)
    }

    /// The stream of a finished job is its state and its end; the subscription behind it is
    /// released with it, so watching finished jobs never uses up the cap.
    @Test func streamsOfFinishedJobsGiveTheirPlaceBack() throws {
        let daemon = try DaemonProcess(extraArguments: ["--max-event-streams", "1"])
        defer { daemon.stop() }
        _ = try daemon.client.pause()
        let job = try daemon.client.submit(SubmitRequest(render: smallRender()))
        _ = try daemon.client.cancel(job.id)
        for _ in 0..<5 {
            var kinds: [String] = []
            var watched = false
            for _ in 0..<50 where !watched {
                do {
                    try daemon.client.events(job.id, idleTimeout: 5) { event in
                        kinds.append(event.type.rawValue)
                        return true
                    }
                    watched = true
                } catch {
                    usleep(20_000)  // 429 until the previous stream's subscription is released
                }
            }
            #expect(watched)
            #expect(kinds == ["state", "end"])
        }
    }

    @Test func connectionCloseIsHonouredAfterTheWholeBody() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        // Larger than a Unix socket's buffer, so bytes are still queued when the answer ends.
        let job = try daemon.client.submit(
            SubmitRequest(
                render: RenderSpec(
                    prompt: "rough gravel, grainy", width: 1024, height: 1024, steps: 2, seed: 3, lossless: true)))
        _ = try daemon.waitFor(job.id) { $0.state.isFinished }
        let expected = try daemon.client.output(job.id)
        #expect(expected.count > 256 << 10, "\(expected.count) bytes")
        for request in [
            "GET /v1/jobs/\(job.id)/output HTTP/1.1\r\nHost: mosaicd\r\nConnection: close\r\n\r\n",
            "GET /v1/jobs/\(job.id)/output HTTP/1.0\r\n\r\n",
        ] {
            let connection = try RawConnection.connect(daemon.socketPath)
            connection.send(request)
            let started = Date()
            let answer = connection.readBytes(timeout: 10)
            #expect(answer.closed, "the connection stayed open after the answer")
            #expect(Date().timeIntervalSince(started) < 5)
            #expect(
                answer.bytes.count >= expected.count && Array(answer.bytes.suffix(expected.count)) == expected,
                "\(answer.bytes.count) bytes received")
        }
    }
}
