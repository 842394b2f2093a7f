import Foundation
import MosaicAPI
import MosaicClient
import MosaicStore
import MosaicTestSupport

/// The queue daemon's latencies, measured against the real `mosaicd` (built next to this
/// program) over its real Unix socket:
/// - submit round trip (client call to parsed answer), median and p99 of 200 submissions to a
///   paused queue;
/// - enqueue-to-start on an idle daemon (`started_at - created_at`, both stamped by the daemon);
/// - `list` of one page (50 jobs) with 100,000 jobs in the database, first page and a filtered
///   page, median of 50 calls each.
/// The baseline in the same run is `GET /v1/models`, which touches no database: a bare socket
/// and HTTP round trip.
enum QueueBenchmark {
    static func run() {
        do { try measure() } catch { print("queue: failed: \(error)") }
    }

    static func measure() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mosaic-queue-bench-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let state = directory.appendingPathComponent("state").path
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)

        // 100,000 finished jobs, written through the store before the daemon starts.
        let seedStarted = Date()
        let database = state + "/mosaic.sqlite"
        // The store creates the schema; its connections close before the daemon opens the file.
        do { _ = try JobStore(path: database) }
        try JobHistory.insert(count: 100_000, owner: Owner(uid: getuid(), name: "bench"), databasePath: database)
        print(String(format: "queue: seeded 100,000 jobs in %.1f s", Date().timeIntervalSince(seedStarted)))

        // The daemon serves the seeded state: DaemonProcess uses `state/` in the directory it is given.
        let daemon = try DaemonProcess(directory: directory, threads: 2)
        defer { daemon.stop() }
        let client = MosaicClient(socketPath: daemon.socketPath, timeout: 30)

        let status = try samples(200) { _ = try client.models() }
        _ = try client.pause()
        let spec = RenderSpec(prompt: "bench", width: 64, height: 64, steps: 1, seed: 1)
        let submit = try samples(200) { _ = try client.submit(SubmitRequest(render: spec)) }
        // The round trips include the typed client's decoding of 50 jobs; the daemon's own
        // share is its CPU time over the same calls.
        let pid = daemon.process.processIdentifier
        let (firstPage, firstPageCPU) = try daemonCPU(of: pid) { try samples(50) { _ = try client.jobs(limit: 50) } }
        let (filtered, filteredCPU) = try daemonCPU(of: pid) {
            try samples(50) { _ = try client.jobs(states: [.succeeded], owner: getuid(), limit: 50) }
        }
        print(report("GET /v1/models (baseline)", status, baseline: status))
        print(
            report("GET /v1/status (counts 100k jobs)", try samples(50) { _ = try client.status() }, baseline: status))
        print(report("submit round trip", submit, baseline: status))
        print(report("list, first page of 50 (100k jobs)", firstPage, baseline: status))
        print(report("list, filtered by state and owner", filtered, baseline: status))
        print(
            String(
                format: "queue: daemon CPU per list call (connection included): first page %.2f ms, filtered %.2f ms",
                firstPageCPU / 50 * 1000, filteredCPU / 50 * 1000))

        // Enqueue-to-start on an idle daemon: cancel the queued backlog, resume, submit one at a time.
        for job in try client.allJobs(states: [.queued]) { _ = try client.cancel(job.id) }
        _ = try client.resume()
        var latencies: [Double] = []
        for seed in 1...20 {
            let job = try client.submit(
                SubmitRequest(render: RenderSpec(prompt: "bench", width: 64, height: 64, steps: 1, seed: UInt64(seed))))
            var current = job
            while !current.state.isFinished {
                usleep(2_000)
                current = try client.job(job.id)
            }
            if let started = current.startedAt { latencies.append(started.timeIntervalSince(current.createdAt) * 1000) }
        }
        latencies.sort()
        print(
            String(
                format: "queue: submit to running on an idle daemon: median %.2f ms, max %.2f ms (%d jobs)",
                latencies[latencies.count / 2], latencies.last ?? .nan, latencies.count))
    }

    /// Milliseconds per call, sorted.
    static func samples(_ n: Int, _ body: () throws -> Void) throws -> [Double] {
        var times: [Double] = []
        for _ in 0..<n {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        return times.sorted()
    }

    static func report(_ label: String, _ times: [Double], baseline: [Double]) -> String {
        let median = times[times.count / 2]
        let p99 = times[min(times.count - 1, times.count * 99 / 100)]
        let base = baseline[baseline.count / 2]
        return String(
            format: "queue: %@: median %.2f ms, p99 %.2f ms (%.1fx the baseline)", label, median, p99, median / base)
    }

    /// What `body` returns and the CPU seconds process `pid` used meanwhile (0 when unknown).
    static func daemonCPU<T>(of pid: Int32, _ body: () throws -> T) rethrows -> (T, Double) {
        let before = CPUTime.seconds(of: pid)
        let result = try body()
        guard let before, let after = CPUTime.seconds(of: pid) else { return (result, 0) }
        return (result, after - before)
    }
}
