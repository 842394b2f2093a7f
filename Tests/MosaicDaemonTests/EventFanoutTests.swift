import Foundation
import MosaicAPI
import MosaicClient
import MosaicTestSupport
import Synchronization
import Testing

/// Many watchers of one running job, through the real daemon and client: each gets the same
/// lines in the same order (the event loop writes one burst to all of them), from the job's
/// state to its end, and a watcher that reads nothing holds up none of the others.
@Suite struct EventFanoutTests {
    @Test func everyWatcherGetsTheSameLinesToTheEnd() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        _ = try daemon.client.pause()
        let job = try daemon.client.submit(SubmitRequest(render: smallRender(side: 512, steps: 40)))
        // A watcher that never reads: its lines pile up in its socket, nobody else's.
        let stalled = try RawConnection.connect(path: daemon.socketPath, timeout: 5)
        #expect(
            stalled.send(
                Array("GET /v1/jobs/\(job.id)/events HTTP/1.1\r\nHost: x\r\n\r\n".utf8), until: MonotonicClock.now + 5))
        let watchers = 12
        let socketPath = daemon.socketPath
        let lines = Mutex([[String]](repeating: [], count: watchers))
        let subscribed = DispatchSemaphore(value: 0)
        let finished = DispatchGroup()
        for index in 0..<watchers {
            finished.enter()
            Thread {
                defer { finished.leave() }
                var first = true
                try? MosaicClient(socketPath: socketPath).eventLines(job.id, idleTimeout: 60) { line in
                    if first {
                        first = false
                        subscribed.signal()
                    }
                    lines.withLock { $0[index].append(String(decoding: line, as: UTF8.self)) }
                    return true
                }
            }.start()
        }
        for _ in 0..<watchers { #expect(subscribed.wait(timeout: .now() + 30) == .success) }
        _ = try daemon.client.resume()
        #expect(finished.wait(timeout: .now() + 120) == .success)
        let received = lines.withLock { $0 }
        let reference = try #require(received.first)
        #expect(
            reference.first?.contains("\"type\":\"state\"") == true && reference.first?.contains("\"queued\"") == true)
        #expect(
            reference.last?.contains("\"type\":\"end\"") == true && reference.last?.contains("\"succeeded\"") == true)
        #expect(reference.contains { $0.contains("\"type\":\"progress\"") })
        // The first line is each watcher's own (the job as read when it subscribed); the
        // published ones after it must be the same for all.
        for (index, other) in received.enumerated() {
            let same = other.dropFirst().elementsEqual(reference.dropFirst())
            #expect(
                same && other.first?.contains("\"queued\"") == true,
                "watcher \(index): \(other.count) lines, \(reference.count) expected")
        }
        #expect(try daemon.client.job(job.id).state == .succeeded)
        _ = stalled
    }

    @Test(.timeLimit(.minutes(1))) func theDaemonStopsPromptlyWithAStreamOpen() throws {
        let daemon = try DaemonProcess()
        _ = try daemon.client.pause()
        let job = try daemon.client.submit(SubmitRequest(render: smallRender()))
        // The stream of a queued job stays open until the job ends, which it will not here.
        let watcher = try RawConnection.connect(path: daemon.socketPath, timeout: 5)
        #expect(
            watcher.send(
                Array("GET /v1/jobs/\(job.id)/events HTTP/1.1\r\nHost: x\r\n\r\n".utf8), until: MonotonicClock.now + 5))
        let first = watcher.receive(until: MonotonicClock.now + 5) {
            String(decoding: $0, as: UTF8.self).contains("\"type\":\"state\"")
        }
        #expect(String(decoding: first, as: UTF8.self).contains("\"queued\""))
        let started = MonotonicClock.now
        #expect(daemon.stop() == 0)
        #expect(MonotonicClock.now - started < 10, "SIGTERM took \(MonotonicClock.now - started) s with a stream open")
        _ = watcher.receive(until: MonotonicClock.now + 5) { _ in false }
        #expect(watcher.closedByPeer)
    }
}
