import ArgumentParser
import Foundation
import MosaicAPI
import MosaicClient

extension LoadBenchmark {
    /// A stretch of one render with the clients working or idle, and the steps it took.
    struct Window {
        let loaded: Bool
        let steps: Int
        let seconds: Double
        /// CPU seconds of the daemon's render threads, of the daemon outside them, and of the clients.
        let renderCPU: Double?
        let servingCPU: Double?
        let clientCPU: Double

        var stepsPerSecond: Double { Double(steps) / seconds }
    }

    /// One long render, with the clients switched on and off in turns of `window` seconds:
    /// `windows` loaded stretches, each between two unloaded ones. Each loaded stretch's step
    /// rate is compared with the mean of its neighbours', so the render's drift (disk, the host)
    /// cancels out; whole renders one after the other differ by more than the 5% to resolve.
    func runWindows(_ client: MosaicClient, socket: String, ids: [Int64], daemon: Int32) throws -> (
        slowdowns: [Double], result: LoadResult
    ) {
        let gate = LoadGate(open: false)
        let job = try client.submit(SubmitRequest(render: spec(seed: 1)))
        let loadClients = startClients(socket: socket, ids: ids + [job.id], watching: job.id, gate: gate)
        // On an error the clients stop (and the program ends); on success they are joined below.
        defer { gate.stop() }
        // The first checkpoint is written: the render is past its set-up.
        while try (client.job(job.id).checkpointStep ?? 0) < 1 { usleep(20_000) }
        let decoder = APICoding.decoder()
        func checkpointStep() throws -> Int {
            let answer = try client.raw(method: "GET", path: "/v1/jobs/\(job.id)", body: nil)
            guard answer.status == 200 else {
                throw ValidationError("GET /v1/jobs/\(job.id) answered \(answer.status)")
            }
            let current = try decoder.decode(RenderPoint.self, from: Data(answer.body))
            guard current.state == .running, let step = current.checkpointStep else {
                throw ValidationError(
                    "the render ended (\(current.state.rawValue)) before the windows did: raise --steps or --size")
            }
            return step
        }
        /// Waits for the next checkpoint and samples then: a window counts whole steps, so its
        /// step rate is not off by up to a step.
        func sample() throws -> (step: Int, time: Double, daemon: Double?, serving: Double?, clients: Double) {
            let before = try checkpointStep()
            var step = before
            while step == before {
                usleep(2_000)
                step = try checkpointStep()
            }
            let serving = CPUTime.threadSeconds(of: daemon, excludingPrefixes: Self.renderThreadPrefixes).map {
                $0.values.reduce(0, +)
            }
            return (step, DispatchTime.now().seconds, CPUTime.seconds(of: daemon), serving, CPUTime.ownSeconds())
        }
        var stretches: [Window] = []
        for index in 0..<(2 * windows + 1) {
            let loaded = index % 2 == 1
            gate.set(open: loaded)
            // Measured from `settle` seconds on: watchers connect, pollers spread out, and an
            // unloaded stretch starts once the last calls have been answered.
            usleep(UInt32(settle * 1e6))
            let start = try sample()
            usleep(UInt32((window - settle) * 1e6))
            let end = try sample()
            let serving = end.serving.flatMap { end in start.serving.map { end - $0 } }
            let total = end.daemon.flatMap { end in start.daemon.map { end - $0 } }
            let render = total.flatMap { total in serving.map { total - $0 } }
            stretches.append(
                Window(
                    loaded: loaded, steps: end.step - start.step, seconds: end.time - start.time,
                    renderCPU: render, servingCPU: serving, clientCPU: end.clients - start.clients))
            let window = stretches[index]
            func seconds(_ value: Double?) -> String { value.map { String(format: "%.2f s", $0) } ?? "unknown" }
            print(
                String(
                    format:
                        "load: window %2d %@: %4d steps in %.2f s = %.2f steps/s; CPU: render threads %@ (%@ a step), "
                        + "the daemon's other threads %@, clients %.2f s",
                    index + 1, loaded ? "loaded  " : "unloaded", window.steps, window.seconds, window.stepsPerSecond,
                    seconds(render),
                    render.map { String(format: "%.1f ms", $0 / Double(max(1, window.steps)) * 1000) } ?? "unknown",
                    seconds(serving), window.clientCPU))
        }
        gate.set(open: false)
        _ = try? client.cancel(job.id)
        var slowdowns: [Double] = []
        for index in stride(from: 1, to: stretches.count, by: 2) {
            let baseline = (stretches[index - 1].stepsPerSecond + stretches[index + 1].stepsPerSecond) / 2
            slowdowns.append((baseline / stretches[index].stepsPerSecond - 1) * 100)
        }
        let loaded = stretches.filter(\.loaded)
        let unloaded = stretches.filter { !$0.loaded }
        func rate(_ windows: [Window]) -> Double {
            Double(windows.map(\.steps).reduce(0, +)) / windows.map(\.seconds).reduce(0, +)
        }
        print(
            String(
                format: "load: all windows: %.2f steps/s unloaded, %.2f loaded: %+.1f%%", rate(unloaded), rate(loaded),
                (rate(unloaded) / rate(loaded) - 1) * 100))
        printDecomposition(stretches)
        gate.stop()
        var result = LoadResult()
        result.join(loadClients)
        result.seconds = loaded.map(\.seconds).reduce(0, +)
        return (slowdowns, result)
    }
}

extension LoadBenchmark {
    /// Splits each loaded window's slowdown into its two factors, against its neighbours' mean:
    /// the render threads' CPU per second (what the load took from them: the scheduler's share,
    /// steady from window to window) and their CPU per step (the host's speed, which drifts by
    /// several percent, and what the load did to the render's caches). Step rate is their
    /// quotient. In percent, one pair per loaded window; nil when a window's CPU is unknown.
    static func slowdownFactors(_ stretches: [Window]) -> (cpuShare: [Double], cpuPerStep: [Double])? {
        var shares: [Double] = []
        var costs: [Double] = []
        for index in stride(from: 1, to: stretches.count - 1, by: 2) {
            let (before, loaded, after) = (stretches[index - 1], stretches[index], stretches[index + 1])
            guard let b = before.renderCPU, let l = loaded.renderCPU, let a = after.renderCPU, l > 0,
                before.steps > 0, loaded.steps > 0, after.steps > 0
            else { return nil }
            shares.append(((b / before.seconds + a / after.seconds) / 2 / (l / loaded.seconds) - 1) * 100)
            costs.append(
                (l / Double(loaded.steps) / ((b / Double(before.steps) + a / Double(after.steps)) / 2) - 1) * 100)
        }
        return shares.isEmpty ? nil : (shares, costs)
    }

    func printDecomposition(_ stretches: [Window]) {
        guard let (shares, costs) = Self.slowdownFactors(stretches) else { return }
        func list(_ values: [Double]) -> String { values.map { String(format: "%+.1f%%", $0) }.joined(separator: ", ") }
        print(
            "load: the render threads' CPU per second, their neighbours' over the loaded window's: " + list(shares)
                + String(format: "; median %+.1f%%", median(shares)))
        print(
            "load: the render threads' CPU per step, the loaded window's over their neighbours': " + list(costs)
                + String(format: "; median %+.1f%%", median(costs)))
    }
}

/// The two fields of a job the windows are sampled by, decoded alone: the sampler asks every
/// 2 ms at each window's end, and decoding a whole `Job` (dates and all) that often would add
/// load of the benchmark's own.
private struct RenderPoint: Decodable {
    enum CodingKeys: String, CodingKey {
        case state
        case checkpointStep = "checkpoint_step"
    }
    let state: JobState
    let checkpointStep: Int?
}

extension DispatchTime {
    /// Seconds since boot.
    var seconds: Double { Double(uptimeNanoseconds) / 1e9 }
}
