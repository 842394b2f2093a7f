import Foundation
import MosaicAPI
import MosaicClient
import Synchronization

extension LoadBenchmark {
    /// What the clients saw.
    struct LoadResult {
        var list = LatencySamples()
        var show = LatencySamples()
        var watches = 0
        var events = 0
        var errors: [String] = []
        var seconds = 0.0
        /// CPU seconds of the daemon and of this program (the clients) during the load.
        var daemonCPU: Double?
        /// The daemon's CPU seconds outside its render threads: the API's share.
        var daemonServingCPU: Double?
        var clientCPU = 0.0

        /// Waits for `clients` (their gate stopped) and adds what they saw.
        mutating func join(_ clients: [LoadClient]) {
            for client in clients {
                client.join()
                list.merge(client.list)
                show.merge(client.show)
                watches += client.watches
                events += client.events
                errors += client.errors
            }
        }

        /// Adds another round's samples and counts (each round prints its own times and CPU).
        mutating func merge(_ other: LoadResult) {
            list.merge(other.list)
            show.merge(other.show)
            watches += other.watches
            events += other.events
            errors += other.errors
        }
    }

    /// Submits the render and runs the clients until it has finished and `duration` has passed.
    func renderUnderLoad(_ client: MosaicClient, socket: String, ids: [Int64], daemon: Int32) throws -> (
        Double, LoadResult
    ) {
        let gate = LoadGate(open: true)
        let started = Date()
        let daemonCPU = CPUTime.seconds(of: daemon)
        let clientCPU = CPUTime.ownSeconds()
        let servingCPU = CPUTime.threadSeconds(of: daemon, excludingPrefixes: Self.renderThreadPrefixes)
        let job = try client.submit(SubmitRequest(render: spec(seed: 1)))
        let loadClients = startClients(socket: socket, ids: ids + [job.id], watching: job.id, gate: gate)
        let wall = try wallTime(of: job.id, client)
        let remaining = duration - Date().timeIntervalSince(started)
        if remaining > 0 { usleep(UInt32(remaining * 1e6)) }
        gate.stop()
        var result = LoadResult()
        if let now = CPUTime.seconds(of: daemon), let before = daemonCPU { result.daemonCPU = now - before }
        result.daemonServingCPU = CPUTime.threadSeconds(of: daemon, excludingPrefixes: Self.renderThreadPrefixes)
            .map { now in now.reduce(0) { $0 + $1.value - (servingCPU?[$1.key] ?? 0) } }
        result.clientCPU = CPUTime.ownSeconds() - clientCPU
        result.join(loadClients)
        result.seconds = Date().timeIntervalSince(started)
        return (wall, result)
    }

    /// Starts `clients` clients on `gate`, a quarter (or `watchers`) of them watching `job`.
    func startClients(socket: String, ids: [Int64], watching job: Int64, gate: LoadGate) -> [LoadClient] {
        let watcherCount = watchers ?? clients / 4
        let loadClients = (0..<clients).map { index in
            LoadClient(
                role: index < watcherCount ? .watcher : .poller, socketPath: socket, jobIds: ids,
                watchedJob: job, interval: interval)
        }
        for loadClient in loadClients { loadClient.start(gate) }
        return loadClients
    }

    /// The names (`comm`) of the daemon's render threads, whose CPU is the render's.
    static let renderThreadPrefixes = ["mosaic-render", "mosaic-worker"]
}
