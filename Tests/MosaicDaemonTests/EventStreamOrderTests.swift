import Dispatch
import Foundation
import Logging
import MosaicAPI
import MosaicTestSupport
import Testing

@testable import MosaicDaemon

/// An event stream's first bytes are its response head, even when the event loop already has a
/// write of other streams' lines queued from before that head was handed to it (seen once under
/// load: a watcher read a progress line where the status line belonged).
@Suite struct EventStreamOrderTests {
    @Test(.timeLimit(.minutes(3))) func aStreamsLinesNeverPrecedeItsHead() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "order-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("s.sock").path
        let socket = try ListeningSocket.bind(path: path, group: nil)
        defer { socket.release() }
        let server = HTTPServer(logger: Logger(label: "order-test"))
        let hub = EventHub()
        let gate = DispatchSemaphore(value: 0)
        let progress = JobEvent(type: .progress, jobId: 1, progress: JobProgress(step: 1, steps: 10))
        let serving = Task {
            try await server.serve(descriptor: socket.descriptor) { request in
                guard let feed = hub.feed(jobId: 1, limit: 10) else { return .error(APIError(.internal, "no feed")) }
                if request.query.contains(where: { $0.name == "second" }) {
                    // Hold the event loop; behind the hold, queue a write of the first stream's
                    // line; give this stream's feed the same line to hand over when it starts.
                    server.group.next().execute { gate.wait() }
                    hub.publish(progress)
                    DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { gate.signal() }
                }
                return HTTPResponse(contentType: "application/x-ndjson", body: .events(initial: [], following: feed))
            }
        }
        defer { serving.cancel() }

        // The clients block, so they run on a thread of their own: the server's tasks need the
        // cooperative pool, which the parallel tests' blocking waits can hold for a while (hence
        // the long deadlines, too).
        let (firstHead, text) = try await Self.onThread { () throws -> (String, String) in
            func open(_ target: String) throws -> RawConnection {
                let connection = try RawConnection.connect(path: path, timeout: 60)
                _ = connection.send(
                    Array("GET \(target) HTTP/1.1\r\nHost: x\r\n\r\n".utf8), until: MonotonicClock.now + 60)
                return connection
            }
            let first = try open("/v1/jobs/1/events")
            let head = first.receive(until: MonotonicClock.now + 60) {
                String(decoding: $0, as: UTF8.self).contains("\r\n\r\n")
            }
            usleep(50_000)  // the first stream starts just after its head
            let second = try open("/v1/jobs/1/events?second")
            let received = second.receive(until: MonotonicClock.now + 60) {
                String(decoding: $0, as: UTF8.self).contains("progress")
            }
            return (String(decoding: head, as: UTF8.self), String(decoding: received, as: UTF8.self))
        }
        #expect(firstHead.hasPrefix("HTTP/1.1 200"))
        #expect(text.hasPrefix("HTTP/1.1 200"), "the stream began with \(text.prefix(80).debugDescription)")
        #expect(text.contains("progress"))
    }

    /// Runs `body` on a new thread and returns what it returns.
    static func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
        }
    }
}
