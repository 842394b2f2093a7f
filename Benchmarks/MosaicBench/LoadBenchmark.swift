import ArgumentParser
import Foundation
import MosaicAPI
import MosaicClient
import MosaicTestSupport
import Synchronization

/// `mosaic-bench load`: many clients listing, showing and watching jobs while a render runs,
/// against the real mosaicd (built next to this program) over its real socket.
struct LoadBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mosaic-bench load",
        abstract: "Load-test mosaicd: concurrent clients list, show and watch jobs while a render runs.",
        discussion: """
            Starts `mosaicd serve` on a temporary state directory and fills the history with \
            --history tiny jobs. Then --clients clients, each on a thread of its own with the real \
            MosaicClient, load the daemon while a lossless euler job renders: --watchers of them \
            follow the running job's event stream, the rest alternately list the newest 50 jobs \
            and show one job, pausing about --interval seconds between calls. Every answer is \
            checked (status 200, the whole body, valid JSON), as is every event line; one in fifty \
            is also decoded into the API's types, as JSONDecoder on every answer would spend the \
            shared cores on the load generator.

            With --windows n, one render runs with the clients switched on for n windows of \
            --window seconds, each between two unloaded windows; each loaded window's step rate \
            is compared with the mean of its neighbours', and the median window is judged. \
            Without it, the same job renders unloaded and under load by turns: --rounds loaded \
            renders, each between two unloaded ones, with --duration seconds of load each; the \
            median round is judged. Choose --size and --steps so that the render outlasts the \
            windows (2n+1 of them), or so that one render takes about --duration seconds.

            Reports errors, p50/p95/p99 latency of list and show, the CPU of the daemon's render \
            threads, of its other threads and of the clients, and the slowdowns; with --windows, \
            also each loaded window's slowdown split into its factors against the same neighbours: \
            the render threads' CPU per second (what the load took) and their CPU per step (the \
            host's speed, and the render's caches). One run's median moves with the host's speed \
            by more than the target's margin: scripts/load_campaign.sh runs several and judges \
            their windows pooled (scripts/pool_load_windows.py). The issue's targets: zero \
            errors, p99 <= 50 ms, slowdown <= 5%.

            EXAMPLES
              swift build -c release --product mosaicd && swift build -c release --product mosaic-bench
              .build/release/mosaic-bench load --clients 200 --windows 10 --window 10 --size 16376 --steps 1000
              .build/release/mosaic-bench load --clients 200 --windows 20 --window 5 --size 16376 --steps 1000
              .build/release/mosaic-bench load --clients 200 --windows 6 --window 10 --size 12288 --steps 1000
              .build/release/mosaic-bench load --clients 200 --duration 60 --size 4096 --steps 1000 --rounds 5
            """)

    @Option(help: "Concurrent clients.")
    var clients: Int = 200

    @Option(help: "Of the clients, how many watch the event stream (default: a quarter).")
    var watchers: Int?

    @Option(help: ArgumentHelp("Seconds of load (at least the loaded render's duration).", valueName: "s"))
    var duration: Double = 60

    @Option(help: ArgumentHelp("Mean seconds a polling client waits between calls.", valueName: "s"))
    var interval: Double = 1

    @Option(help: ArgumentHelp("The render's width and height.", valueName: "px"))
    var size: Int = 1024

    @Option(help: "The render's steps.")
    var steps: Int = 300

    @Option(
        help: ArgumentHelp(
            "Loaded renders, each between two unloaded ones; the slowdown reported is the median "
                + "round's (an odd count gives a true median).", valueName: "n"))
    var rounds: Int = 1

    @Option(
        help: ArgumentHelp(
            "Instead of whole renders by turns: one render, with the clients switched on for n "
                + "windows of --window seconds, each between two unloaded windows; the slowdown "
                + "reported is the median loaded window's step rate against its neighbours'.", valueName: "n"))
    var windows: Int = 0

    @Option(help: ArgumentHelp("The length of a window (with --windows).", valueName: "s"))
    var window: Double = 10

    @Option(
        help: ArgumentHelp(
            "Seconds at the start of each window left out of its step rate (with --windows).", valueName: "s"))
    var settle: Double = 1

    @Option(help: "The daemon's render threads.")
    var threads: Int = 2

    @Option(help: "Tiny finished jobs in the history before the renders.")
    var history: Int = 200

    @Option(help: ArgumentHelp("The mosaicd executable (default: the one next to this program).", valueName: "path"))
    var mosaicd: String?

    @Option(
        help: ArgumentHelp(
            "A mosaicd config file (key = value lines) for the daemon, to compare settings.", valueName: "path"))
    var daemonConfig: String?

    func validate() throws {
        guard (1...5000).contains(clients) else { throw ValidationError("--clients must be in 1...5000") }
        guard (0...clients).contains(watchers ?? 0) else {
            throw ValidationError("--watchers must be in 0...--clients")
        }
        guard (1...20).contains(rounds), (0...50).contains(windows) else {
            throw ValidationError("--rounds must be in 1...20, --windows in 0...50")
        }
        guard window > 0, (0..<window).contains(settle) else {
            throw ValidationError("--window must be positive, --settle in 0..<--window")
        }
        guard duration > 0, interval >= 0 else {
            throw ValidationError("--duration must be positive, --interval not negative")
        }
        guard (64...16384).contains(size), size % 8 == 0 else {
            throw ValidationError("--size must be a multiple of 8 in 64...16384")
        }
        guard (1...1000).contains(steps), (1...1024).contains(threads), (0...100_000).contains(history) else {
            throw ValidationError("--steps must be in 1...1000, --threads in 1...1024, --history in 0...100000")
        }
    }

    func run() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mosaic-load-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let daemon = try DaemonProcess(
            directory: directory, threads: threads,
            extraArguments: daemonConfig.map { ["--config", $0] } ?? [],
            executable: mosaicd.map { URL(fileURLWithPath: $0) })
        defer { daemon.stop() }
        let socket = daemon.socketPath
        let client = MosaicClient(socketPath: socket, timeout: 30)

        let ids = try fillHistory(client)
        print(
            "load: \(ids.count) jobs in the history; \(clients) clients (\(watchers ?? clients / 4) watching), "
                + "\(size)x\(size) \(steps)-step renders on \(threads) threads; load average \(loadAverage())")
        // Unloaded and loaded renders alternate; each loaded one is compared with the mean of the
        // unloaded ones either side of it, and the median of those ratios is the figure: the
        // renders of one run drift by several percent, more than the 5% the target allows.
        if windows > 0 {
            let (slowdowns, result) = try runWindows(
                client, socket: socket, ids: ids, daemon: daemon.process.processIdentifier)
            try report(result, slowdowns: slowdowns, of: "windows")
            return
        }
        var unloaded = [try render(client, seed: 1)]
        print(String(format: "load: unloaded render %.2f s", unloaded[0]))
        var slowdowns: [Double] = []
        var result = LoadResult()
        for round in 1...rounds {
            let (loaded, roundResult) = try renderUnderLoad(
                client, socket: socket, ids: ids, daemon: daemon.process.processIdentifier)
            print(
                String(
                    format: "load: round %d: loaded render %.2f s, %.1f s of load; load average %@", round, loaded,
                    roundResult.seconds, loadAverage()))
            unloaded.append(try render(client, seed: 1))
            let (before, after) = (unloaded[round - 1], unloaded[round])
            let baseline = (before + after) / 2
            slowdowns.append((loaded / baseline - 1) * 100)
            print(
                String(
                    format: "load: round %d: unloaded render again %.2f s; render %.2f s loaded / %.2f s unloaded "
                        + "(mean of %.2f and %.2f) = %.3f: %+.1f%%", round, after, loaded, baseline, before, after,
                    loaded / baseline, slowdowns[round - 1]))
            print(
                String(
                    format: "load: round %d: CPU during the load: daemon %@ (outside the render threads %@), "
                        + "clients (this program) %.2f s, of %.1f s x %d cores", round,
                    roundResult.daemonCPU.map { String(format: "%.2f s", $0) } ?? "unknown",
                    roundResult.daemonServingCPU.map { String(format: "%.2f s", $0) } ?? "unknown",
                    roundResult.clientCPU, roundResult.seconds, ProcessInfo.processInfo.activeProcessorCount))
            // Per list or show call: what polling costs (watchers' streams, if any, count in too).
            let calls = Double(roundResult.list.count + roundResult.show.count)
            if calls > 0 {
                print(
                    String(
                        format: "load: round %d: CPU per list or show call: daemon %@ outside the render threads, "
                            + "clients %.0f µs", round,
                        roundResult.daemonServingCPU.map { String(format: "%.0f µs", $0 / calls * 1e6) } ?? "unknown",
                        roundResult.clientCPU / calls * 1e6))
            }
            result.merge(roundResult)
        }
        try report(result, slowdowns: slowdowns, of: "rounds")
    }

    /// Prints the latencies, errors and the median slowdown of the `unit`s (rounds or windows),
    /// and fails unless all three targets are met.
    func report(_ result: LoadResult, slowdowns: [Double], of unit: String) throws {
        print("load: list: \(result.list.summary)")
        print("load: show: \(result.show.summary)")
        print("load: watch: \(result.watches) streams, \(result.events) events")
        print(
            "load: errors: \(result.errors.count)"
                + (result.errors.isEmpty ? "" : "; first: " + result.errors.prefix(5).joined(separator: " | ")))
        let p99 = max(result.list.percentile(99) ?? .infinity, result.show.percentile(99) ?? .infinity)
        let slowdown = median(slowdowns)
        if slowdowns.count > 1 {
            let interval =
                BootstrapInterval.ofMedian(slowdowns).map {
                    String(format: " (95%% bootstrap interval %+.1f%% to %+.1f%%)", $0.low, $0.high)
                } ?? ""
            print(
                "load: slowdowns of the \(slowdowns.count) \(unit): "
                    + slowdowns.map { String(format: "%+.1f%%", $0) }.joined(separator: ", ")
                    + String(format: "; median %+.1f%%", slowdown) + interval)
        }
        let pass = result.errors.isEmpty && p99 <= 50 && slowdown <= 5
        print(
            String(
                format:
                    "load: %@: %d errors (target 0), p99 %.2f ms (target <= 50), slowdown %+.1f%% (target <= +5%%%@)",
                pass ? "PASS" : "FAIL", result.errors.count, p99, slowdown,
                slowdowns.count > 1 ? ", the median of the \(unit)" : ""))
        guard pass else { throw ExitCode.failure }
    }

    /// Fills the history with tiny finished jobs, so `list` has pages to read.
    func fillHistory(_ client: MosaicClient) throws -> [Int64] {
        var ids: [Int64] = []
        for seed in 0..<history {
            ids.append(
                try client.submit(
                    SubmitRequest(
                        render: RenderSpec(
                            prompt: "calm sea", width: 64, height: 64, steps: 1,
                            seed: UInt64(seed)))
                ).id)
        }
        while let last = ids.last, try !client.job(last).state.isFinished { usleep(50_000) }
        return ids
    }

    /// Renders the benchmark job and returns its wall time as the daemon stamped it.
    func render(_ client: MosaicClient, seed: UInt64) throws -> Double {
        let job = try client.submit(SubmitRequest(render: spec(seed: seed)))
        return try wallTime(of: job.id, client)
    }

    func spec(seed: UInt64) -> RenderSpec {
        RenderSpec(
            prompt: "vast misty ocean at dusk, waves", width: size, height: size, steps: steps, sampler: "euler",
            seed: seed,
            lossless: true)
    }

    func wallTime(of id: Int64, _ client: MosaicClient) throws -> Double {
        while true {
            let job = try client.job(id)
            if job.state.isFinished {
                guard job.state == .succeeded, let start = job.startedAt, let end = job.finishedAt else {
                    throw ValidationError("the render ended \(job.state.rawValue): \(job.error ?? "")")
                }
                return end.timeIntervalSince(start)
            }
            usleep(20_000)
        }
    }
}
