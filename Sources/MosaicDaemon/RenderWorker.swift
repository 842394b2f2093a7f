import Foundation
import Logging
import MosaicAPI
import MosaicRender
import MosaicStore
import Synchronization

/// Runs queued jobs one at a time on a thread of its own.
///
/// The worker claims the next job (one write transaction), renders it step by step on its tile
/// pool, reports progress to the store and the event hub, and writes the output. A user's
/// cancel or the daemon's shutdown stops the render before its next tile evaluation.
public final class RenderWorker: Sendable {
    struct Running: Sendable {
        let job: Job
        /// The renderer's flag once it exists; before that, one of the worker's own.
        var cancellation: CancellationFlag
        var canceledBy: Owner?
        var preview: Preview?
    }

    let store: JobStore
    /// Uploaded images, where jobs find their init images.
    let images: ImageLibrary
    let hub: EventHub
    let metrics: Metrics
    let catalog: ModelCatalog
    let outputDirectory: URL
    let checkpointDirectory: URL
    /// A job resumed this many times at one step without getting further is failed.
    let maxStalledResumes: Int
    let threads: Int
    /// The nice value of the render thread and its pool's threads; nil leaves them alone.
    let renderNice: Int32?
    /// Checks again, when a job is claimed, that the machine can still finish it.
    let admission: AdmissionControl?
    let logger: Logger
    let running = Mutex<Running?>(nil)
    private let signal = NSCondition()
    private let flags = Mutex((stopping: false, woken: false, finished: false))
    /// When the worker last showed signs of life (for the watchdog).
    let heartbeat = Mutex(Date())
    /// Seconds per tile evaluation by model and tile size, for plans' time estimates.
    let tileRates = TileRates()
    /// Called with a status line for systemd after every step.
    let onStatus: @Sendable (String) -> Void

    /// Creates a worker; call `start()` to run it.
    public init(
        store: JobStore, images: ImageLibrary, hub: EventHub, metrics: Metrics, catalog: ModelCatalog,
        outputDirectory: URL,
        checkpointDirectory: URL, maxStalledResumes: Int = 3, threads: Int, admission: AdmissionControl? = nil,
        renderNice: Int32? = nil, logger: Logger, onStatus: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.store = store
        self.images = images
        self.hub = hub
        self.metrics = metrics
        self.catalog = catalog
        self.outputDirectory = outputDirectory
        self.checkpointDirectory = checkpointDirectory
        self.maxStalledResumes = maxStalledResumes
        self.threads = threads
        self.admission = admission
        self.renderNice = renderNice
        self.logger = logger
        self.onStatus = onStatus
    }

    /// Starts the worker thread.
    public func start() {
        let thread = Thread { [self] in
            RenderThreads.nameCurrentThread("mosaic-render")
            loop()
        }
        thread.name = "mosaic-render"
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Wakes the worker to look for a job now (after a submit, retry or resume).
    public func wake() {
        signal.lock()
        flags.withLock { $0.woken = true }
        signal.broadcast()
        signal.unlock()
    }

    /// Stops after the tile in progress; the running job goes back to the queue. Returns when the
    /// worker thread has ended.
    public func stop() async {
        requestStop()
        while !flags.withLock({ $0.finished }) { try? await Task.sleep(for: .milliseconds(20)) }
    }

    private func requestStop() {
        signal.lock()
        flags.withLock { $0.stopping = true }
        signal.broadcast()
        signal.unlock()
        running.withLock { $0?.cancellation.cancel() }
    }

    /// The running job, if any.
    public var runningJob: Job? { running.withLock { $0?.job } }

    /// Asks the running job `id` to stop before its next tile; false if it is not running.
    public func cancel(jobId: Int64, by owner: Owner) -> Bool {
        running.withLock { state in
            guard state?.job.id == jobId else { return false }
            state?.canceledBy = owner
            state?.cancellation.cancel()
            return true
        }
    }

    /// Seconds since the worker last made progress or looked for work.
    public var secondsSinceHeartbeat: Double { Date().timeIntervalSince(heartbeat.withLock { $0 }) }

    private func loop() {
        defer { flags.withLock { $0.finished = true } }
        if let renderNice {
            // This thread steps the render between the pool's loops (checkpoints, the decode).
            do {
                let nice = try RenderThreads.lowerCurrentThread(to: renderNice)
                logger.info("render threads at nice \(nice) (render_nice = \(renderNice))")
            } catch {
                logger.warning("\(error)")
            }
        }
        let renderThreads = RenderThreads(count: threads, niceness: renderNice)
        defer { renderThreads.shutdown() }
        while !flags.withLock({ $0.stopping }) {
            heartbeat.withLock { $0 = Date() }
            let claimed: (job: Job, cancellation: CancellationFlag)?
            do {
                // Claimed and cancelable in one step: a cancel that reads the job as running must
                // find it here, not answer 409 because the worker has not registered it yet.
                claimed = try running.withLock { (state) throws(StoreError) -> (Job, CancellationFlag)? in
                    guard let job = try store.claimNext(now: Date()) else { return nil }
                    let cancellation = CancellationFlag()
                    state = Running(job: job, cancellation: cancellation)
                    return (job, cancellation)
                }
            } catch {
                logger.error("cannot claim the next job: \(error)")
                claimed = nil
            }
            guard let (job, cancellation) = claimed else {
                signal.lock()
                if !flags.withLock({ $0.woken || $0.stopping }) { _ = signal.wait(until: Date().addingTimeInterval(1)) }
                flags.withLock { $0.woken = false }
                signal.unlock()
                continue
            }
            render(job, cancellation: cancellation, threads: renderThreads)
        }
    }
}
