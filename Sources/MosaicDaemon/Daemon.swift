import Dispatch
import Foundation
import Logging
import MosaicAPI
import MosaicImage
import MosaicRender
import MosaicStore
import MosaicSystemd

/// `mosaicd serve`: the queue, the worker, the API socket and systemd's protocol, together.
public final class Daemon: Sendable {
    let configuration: DaemonConfiguration
    let logger: Logger
    let notifier = SystemdNotifier()

    /// Creates a daemon.
    public init(configuration: DaemonConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Runs until SIGTERM or SIGINT, then stops after the tile in progress and returns.
    public func run() async throws {
        let state = URL(fileURLWithPath: configuration.stateDirectory)
        let outputs = state.appendingPathComponent("outputs")
        do {
            for directory in [state, outputs, state.appendingPathComponent("checkpoints")] {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            }
        } catch {
            throw DaemonError.stateDirectory(path: state.path, reason: error.localizedDescription)
        }
        // One daemon per state directory: a second one must not touch the first one's jobs.
        let stateLock = try Self.lock(state.appendingPathComponent("mosaicd.lock").path)
        defer { close(stateLock) }

        let socket: ListeningSocket
        if let inherited = try SocketActivation.listeningUnixSocket() {
            socket = .inherited(inherited)
            logger.info("serving the socket passed by systemd (fd \(inherited))")
        } else {
            socket = try ListeningSocket.bind(path: configuration.socketPath, group: configuration.socketGroup)
            logger.info("serving \(configuration.socketPath)")
        }
        defer { socket.release() }
        let store = try JobStore(path: state.appendingPathComponent("mosaic.sqlite").path)
        try recoverInterruptedJobs(store)
        let images = try ImageLibrary(
            store: store, directory: state.appendingPathComponent("images").path,
            limits: ImageDecodeLimits(maxPixels: configuration.maxImagePixels, maxSide: WebPError.maxDimension))

        let hub = EventHub()
        let metrics = Metrics()
        let notifier = self.notifier
        let (catalog, problems) = ModelCatalog.discover(directory: configuration.modelsDirectory)
        for problem in problems { logger.warning("models: \(problem)") }
        logger.info("models: \(catalog.names.joined(separator: ", "))")
        let admission = AdmissionControl(
            memoryBudget: configuration.maxJobMemory, diskBudget: configuration.maxJobDisk, stateDirectory: state.path,
            threads: configuration.threads, catalog: catalog)
        let budget = admission.budget(atClaim: false)
        logger.info(
            "job budget: \(ByteCount.format(budget.memoryBytes)) of memory (max_job_memory = \(configuration.maxJobMemory)), \(ByteCount.format(budget.diskBytes)) of disk (max_job_disk = \(configuration.maxJobDisk))"
        )
        let worker = RenderWorker(
            store: store, images: images, hub: hub, metrics: metrics, catalog: catalog, outputDirectory: outputs,
            checkpointDirectory: state.appendingPathComponent("checkpoints"),
            maxStalledResumes: configuration.maxStalledResumes, threads: configuration.threads, admission: admission,
            renderNice: Int32(configuration.renderNice), logger: logger, onStatus: { _ = notifier.status($0) })
        let core = DaemonCore(
            store: store, images: images, worker: worker, hub: hub, metrics: metrics, catalog: catalog,
            authorization: Authorization(
                adminGroup: configuration.adminGroup, readOthersJobs: configuration.readOthersJobs),
            admission: admission, configuration: configuration, logger: logger)
        let server = HTTPServer(
            logger: logger,
            limits: HTTPServerLimits(
                readTimeout: configuration.readTimeout, idleTimeout: configuration.idleTimeout,
                maxConnections: configuration.maxConnections, maxUploadBytes: configuration.maxUploadBytes),
            metrics: metrics)
        worker.start()

        let signals = Self.terminationSignals()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.serve(descriptor: socket.descriptor) { await core.handle($0) } }
            group.addTask { await self.watchdog(worker) }
            _ = notifier.ready()
            _ = notifier.status("ready; \(try store.counts()[.queued] ?? 0) jobs queued")
            logger.info(
                "mosaicd \(DaemonCore.version) ready with \(configuration.threads) threads, state in \(state.path)")
            for await signal in signals {
                logger.info("received signal \(signal); stopping after the tile in progress")
                break
            }
            _ = notifier.stopping()
            await worker.stop()
            group.cancelAll()
        }
        await server.shutdown()
        logger.info("stopped")
    }

    /// Takes an exclusive lock on `path` for the life of the process, or says who holds it.
    static func lock(_ path: String) throws(DaemonError) -> Int32 {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .stateDirectory(path: path, reason: String(cString: strerror(errno))) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw .stateDirectory(
                path: path, reason: "another mosaicd is using this state directory (the lock is held)")
        }
        return fd
    }

    /// Jobs left `running` by a previous process go back to the queue; they resume from their
    /// newest valid checkpoint when the worker claims them.
    func recoverInterruptedJobs(_ store: JobStore) throws {
        for job in try store.jobs(in: .running) {
            let step = job.progress?.step ?? 0
            try store.requeue(
                id: job.id, cause: .recovery, step: step,
                reason:
                    "the daemon stopped while this job was at step \(step); it will resume from its newest checkpoint",
                now: Date())
            logger.warning("requeued job \(job.id), interrupted at step \(step)")
        }
    }

    /// Pings systemd's watchdog while the worker shows signs of life.
    func watchdog(_ worker: RenderWorker) async {
        guard let interval = notifier.watchdogInterval else { return }
        // The worker beats at least once a second while idle and after every tile; a beat older
        // than the watchdog timeout (twice the ping interval) means it hangs, so pings stop and
        // systemd restarts the daemon.
        let seconds = Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
        let timeout = max(2 * seconds, 2.5)
        while !Task.isCancelled {
            if worker.secondsSinceHeartbeat < timeout { _ = notifier.watchdog() }
            try? await Task.sleep(for: interval)
        }
    }

    /// SIGTERM and SIGINT as an async sequence (the default handlers are replaced).
    static func terminationSignals() -> AsyncStream<Int32> {
        let (stream, continuation) = AsyncStream<Int32>.makeStream()
        let queue = DispatchQueue(label: "mosaicd.signals")
        var sources: [DispatchSourceSignal] = []
        for number in [SIGTERM, SIGINT] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            sources.append(source)
        }
        let retained = SignalSources(sources: sources)
        continuation.onTermination = { _ in
            for source in retained.sources { source.cancel() }
        }
        return stream
    }
}

/// Keeps the signal sources alive as long as the stream; they are only cancelled, once.
private struct SignalSources: @unchecked Sendable {
    let sources: [DispatchSourceSignal]
}
