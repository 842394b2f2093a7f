import Foundation
import Glibc
import MosaicAPI
import MosaicClient
import MosaicTestSupport

/// One simulated user of the daemon on a thread of its own: a poller lists the queue and shows
/// jobs with a think time between calls; a watcher follows the running job's event stream and
/// reconnects whenever it ends. Unchecked Sendable: its results are written only by its own
/// thread and read only after `join`, which the semaphore orders.
final class LoadClient: @unchecked Sendable {
    /// What a client does.
    enum Role { case poller, watcher }

    let role: Role
    let client: MosaicClient
    let jobIds: [Int64]
    let watchedJob: Int64
    let interval: Double
    /// Think times and choices; seeded from the system's generator, whose every draw is a
    /// getrandom(2) call, two or three of them a call.
    private var random: SeededGenerator
    /// Results, read after `thread` has finished.
    private(set) var list = LatencySamples()
    private(set) var show = LatencySamples()
    private(set) var events = 0
    private(set) var watches = 0
    private(set) var errors: [String] = []
    private let done = DispatchSemaphore(value: 0)

    init(role: Role, socketPath: String, jobIds: [Int64], watchedJob: Int64, interval: Double) {
        self.role = role
        client = MosaicClient(socketPath: socketPath, timeout: 30)
        self.jobIds = jobIds
        self.watchedJob = watchedJob
        self.interval = interval
        random = SeededGenerator(seed: UInt64.random(in: 0...UInt64.max))
    }

    /// Starts the client's thread; it works while `gate` is open (a watcher closes its stream when
    /// the gate closes) and ends when the gate is stopped.
    func start(_ gate: LoadGate) {
        let thread = Thread { [self] in
            var first = true
            while !gate.isStopped {
                if gate.waitUntilOpen() || first {
                    // Spread the first calls over one interval, as real users do not start in step.
                    usleep(UInt32(Double.random(in: 0...interval, using: &random) * 1e6))
                    first = false
                }
                guard gate.isOpen else { continue }
                switch role {
                case .poller: poll()
                case .watcher: watch(until: { !gate.isOpen })
                }
            }
            done.signal()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Waits for the thread to finish.
    func join() { done.wait() }

    /// Every how many answers one is decoded into the API's types (all are checked as JSON by
    /// `JSONSyntax`): the clients share the daemon's cores, and JSONDecoder's cost is theirs.
    static let decodeEvery = 50
    private var answers = 0

    /// Times the round trip to the last byte of the answer; the answer is checked afterwards,
    /// outside the timing: status 200, the whole body (the client reads Content-Length bytes),
    /// a JSON object, and every `decodeEvery`-th answer decoded as a `JobPage` or `Job`.
    private func poll() {
        let listing = Bool.random(using: &random)
        let path = listing ? "/v1/jobs?limit=50" : "/v1/jobs/\(jobIds.randomElement(using: &random) ?? watchedJob)"
        let started = DispatchTime.now().uptimeNanoseconds
        do {
            let answer = try client.raw(method: "GET", path: path, body: nil)
            let ms = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
            guard answer.status == 200 else {
                throw ClientError.api(
                    status: answer.status,
                    error: APIError(.internal, String(decoding: answer.body.prefix(200), as: UTF8.self)))
            }
            guard JSONSyntax.isObject(answer.body) else {
                throw ClientError.protocolViolation(
                    "the answer is not a JSON object: \(String(decoding: answer.body.prefix(200), as: UTF8.self))")
            }
            answers += 1
            if answers % Self.decodeEvery == 0 {
                if listing {
                    _ = try APICoding.decoder().decode(JobPage.self, from: Data(answer.body))
                } else {
                    _ = try APICoding.decoder().decode(Job.self, from: Data(answer.body))
                }
            }
            if listing { list.add(ms) } else { show.add(ms) }
        } catch {
            errors.append("\(listing ? "list" : "show"): \(error)")
        }
        usleep(UInt32(Double.random(in: 0.5...1.5, using: &random) * interval * 1e6))
    }

    /// Follows the stream as raw lines: each is checked as a JSON object and every
    /// `decodeEvery`-th decoded as a `JobEvent`, as the pollers' answers are.
    private func watch(until stop: @escaping @Sendable () -> Bool) {
        watches += 1
        var ended = false
        do {
            try client.eventLines(watchedJob, idleTimeout: 30) { (line) throws(ClientError) in
                self.events += 1
                guard JSONSyntax.isObject(line) else {
                    throw ClientError.protocolViolation(
                        "an event is not a JSON object: \(String(decoding: line.prefix(200), as: UTF8.self))")
                }
                if self.events % Self.decodeEvery == 0 {
                    do { _ = try APICoding.decoder().decode(JobEvent.self, from: Data(line)) } catch {
                        throw ClientError.protocolViolation("an event does not decode: \(error)")
                    }
                }
                if Self.isEnd(line) { ended = true }
                return !stop()
            }
        } catch {
            errors.append("watch: \(error)")
        }
        // The stream ended with the job: wait like a user would before watching again.
        if ended || !errors.isEmpty { usleep(UInt32(interval * 1e6)) }
    }

    /// Whether an event line is the stream's `end` event.
    static func isEnd(_ line: [UInt8]) -> Bool {
        let marker = endMarker
        guard line.count >= marker.count else { return false }
        return line.withUnsafeBufferPointer { bytes in
            marker.withUnsafeBufferPointer { marker in
                for start in 0...(bytes.count - marker.count) where bytes[start] == marker[0] {
                    if memcmp(bytes.baseAddress! + start, marker.baseAddress!, marker.count) == 0 { return true }
                }
                return false
            }
        }
    }

    private static let endMarker = Array(#""type":"end""#.utf8)
}
