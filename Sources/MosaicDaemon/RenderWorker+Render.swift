import Foundation
import MosaicAPI
import MosaicCheckpoint
import MosaicRender
import MosaicStore
import Synchronization

extension RenderWorker {
    /// Seconds between two previews a render computes (the first step always computes one). A
    /// preview is a pass over the whole canvas, too much to pay every step of a fast render for
    /// an image a person looks at now and then.
    static let previewInterval = 1.0

    /// Renders one claimed job to its end (success, failure, cancel) or until the daemon stops.
    /// `early` is the flag `loop` registered with the claim: the job is cancelable from then on,
    /// since loading a Stable Diffusion model and resuming take seconds.
    ///
    /// A staged job runs its stages in order; each stage's image is kept (lossless WebP beside
    /// the outputs), so a new attempt continues with the first stage that has none, from that
    /// stage's checkpoints.
    func render(_ job: Job, cancellation early: CancellationFlag, threads renderThreads: RenderThreads) {
        publishState(job)
        log(
            job.id, .info, "started attempt \(job.attempts) on \(threads) threads",
            event: .attemptStarted(attempt: job.attempts, threads: threads))
        defer { running.withLock { $0 = nil } }
        guard let staged = prepare(job) else { return }
        let checkpoints = checkpointStore(for: job.id)
        let writer = CheckpointWriter()
        // Every path out waits for the checkpoint in flight, so none outlives the job's files.
        defer { try? writer.drain() }
        let started = Date()
        let reporter = JobProgressPublisher(jobId: job.id, hub: hub, store: store)
        var step = 0
        do {
            let first = keptStages(of: job, staged)
            for index in first..<staged.count {
                let stageStore = staged.count > 1 ? checkpoints.stage(index) : checkpoints
                let prepared = try staged.prepare(
                    stage: index, previousImageAt: index > 0 ? stageImagePath(job.id, stage: index - 1) : nil,
                    initImageAt: try initImagePath(of: job), upscaler: try upscaler(for: staged),
                    pool: renderThreads.pool)
                guard
                    let start = start(
                        job, stage: prepared, of: staged, checkpoints: stageStore, resuming: index == first,
                        threads: renderThreads)
                else { return }
                let renderer = start.renderer
                let canceledEarly = running.withLock { state -> Bool in
                    state?.cancellation = renderer.cancellation
                    return early.isCanceled
                }
                // The next step then stops before its first tile, and the cancel path below finishes the job.
                if canceledEarly { renderer.cancellation.cancel() }
                step = renderer.state.step
                if !start.fromCheckpoint, renderer.parameters.initImage != nil {
                    // The encoded start is checkpointed at once: a crash in the first step must
                    // not encode the image again (an 8K encode takes as long as many steps).
                    try checkpoint(start, job: job, writer: writer)
                }
                try denoise(start, job: job, writer: writer, reporter: reporter, started: started) { step = $0 }
                reporter.flush()
                try writer.drain()
                if index + 1 < staged.count {
                    // Lossless: the next stage (and a resumed attempt) starts from these exact pixels.
                    let path = stageImagePath(job.id, stage: index)
                    try decode(
                        start, to: URL(fileURLWithPath: path), encoding: .lossless, reporter: reporter,
                        started: started, threads: renderThreads)
                    log(
                        job.id, .info, "stage \(index + 1) of \(staged.count) done: \(path)",
                        event: .stageFinished(stage: index + 1, stages: staged.count, outputPath: path))
                    try? stageStore.removeAll()
                    continue
                }
                let url = outputDirectory.appendingPathComponent("\(job.id).webp")
                try decode(
                    start, to: url, encoding: job.render.encoding, reporter: reporter, started: started,
                    threads: renderThreads)
                let seconds = Date().timeIntervalSince(started)
                finish(
                    job, .succeeded, outputPath: url.path,
                    log: LogLine(
                        time: Date(), level: .info,
                        message: String(format: "rendered in %.1f s to %@", seconds, url.path),
                        event: .rendered(seconds: seconds, outputPath: url.path)))
                try? checkpoints.removeAll()
            }
        } catch let error as RenderError {
            reporter.flush()
            try? writer.drain()
            if case .canceled = error, let owner = running.withLock({ $0?.canceledBy }) {
                finish(
                    job, .canceled, canceledBy: owner,
                    log: LogLine(
                        time: Date(), level: .info, message: "canceled by \(owner.name) at step \(step)",
                        event: .canceled(by: owner.name, step: step)))
                try? checkpoints.removeAll()
                removeStageImages(of: job)
            } else if case .canceled = error {
                requeue(
                    job, step: step,
                    reason: "the daemon stopped during step \(step + 1); the job will resume from its checkpoint")
            } else {
                finish(job, .failed, error: error.description)
                try? checkpoints.removeAll()
                removeStageImages(of: job)
            }
        } catch {
            // Checkpoint, journal or database errors (a full disk): fail with the reason; the
            // previous checkpoints stay valid, so `retry` resumes from them.
            reporter.flush()
            try? writer.drain()
            finish(job, .failed, error: "\(error)")
        }
    }

    /// Ends `job` as `state` with its log line (for a failure: the error) in one transaction,
    /// and tells its watchers.
    func finish(
        _ job: Job, _ state: JobState, error: String? = nil, outputPath: String? = nil, canceledBy: Owner? = nil,
        log: LogLine? = nil
    ) {
        let line = log ?? error.map { LogLine(time: Date(), level: .error, message: $0, event: .failed) }
        do {
            let finished = try store.finish(
                id: job.id, state: state, error: error, outputPath: outputPath,
                canceledBy: canceledBy, log: line, now: Date())
            hub.publish(JobEvent(type: .state, jobId: job.id, state: finished.state, job: finished))
            hub.publish(JobEvent(type: .end, jobId: job.id, state: finished.state, job: finished))
        } catch {
            logger.error("cannot record job \(job.id) as \(state.rawValue): \(error)")
        }
    }

    /// Requeues `job` as the daemon stops, after `step` completed steps.
    func requeue(_ job: Job, step: Int, reason: String) {
        do {
            try store.requeue(id: job.id, cause: .shutdown, step: step, reason: reason, now: Date())
            if let queued = try store.job(id: job.id) { publishState(queued) }
        } catch {
            logger.error("cannot requeue job \(job.id): \(error)")
        }
    }

    func publishState(_ job: Job) {
        hub.publish(JobEvent(type: .state, jobId: job.id, state: job.state, job: job))
    }

    func log(_ id: Int64, _ level: JobLogLevel, _ message: String, event: JobLogEvent? = nil) {
        logger.log(level: level == .error ? .error : .info, "\(message)", metadata: ["job": "\(id)"])
        try? store.appendLog(id: id, level: level, message: message, event: event, now: Date())
        hub.publish(JobEvent(type: .log, jobId: id, message: message))
    }

    /// The running job's preview as WebP, if it has completed a step.
    public func preview(jobId: Int64) throws -> [UInt8]? {
        guard let source = running.withLock({ $0?.job.id == jobId ? $0?.preview : nil }) else { return nil }
        return try source.webp()
    }
}
