import Foundation
import MosaicAPI
import MosaicCheckpoint
import MosaicRender
import MosaicStore

/// How a claimed job starts: from scratch or from its newest valid checkpoint.
struct RenderStart {
    let renderer: Renderer
    let checkpoints: CheckpointStore
    let parametersHash: String
    /// Journaled tile outputs of the step the crash interrupted.
    let reuse: [Int: [Float]]
}

extension RenderWorker {
    /// The checkpoint directory of job `id`.
    func checkpointStore(for id: Int64) -> CheckpointStore {
        CheckpointStore(directory: checkpointDirectory.appendingPathComponent(String(id)).path)
    }

    /// Builds the renderer of `job`, resuming from the newest valid checkpoint when there is one.
    /// Returns nil when the job was failed instead (bad parameters, a crash loop).
    func start(_ job: Job, threads: RenderThreads) -> RenderStart? {
        let parameters: RenderParameters
        do { parameters = try job.render.parameters() } catch {
            finish(job, .failed, error: "cannot start the render: \(error)")
            return nil
        }
        do {
            try admission?.check(parameters, lossless: job.render.lossless == true, atClaim: true)
        } catch {
            // Better a clear failure now than an out-of-memory kill or a full disk halfway.
            finish(job, .failed, error: "not started: \(error.message)")
            return nil
        }
        let checkpoints = checkpointStore(for: job.id)
        let hash = parameters.checkpointHash
        let (checkpoint, notes) = checkpoints.loadNewestValid(parametersHash: hash)
        for note in notes { log(job.id, .warning, note, event: .checkpointUnusable) }
        do {
            guard let checkpoint else {
                if !notes.isEmpty || job.checkpointStep != nil {
                    log(
                        job.id, .warning, "no valid checkpoint; the render starts again from step 0",
                        event: .startedOver(lostSteps: job.checkpointStep ?? 0))
                }
                // Unusable files (and journals) must not be mistaken for this attempt's later.
                try? checkpoints.removeAll()
                // An attempt after a crash with no checkpoint yet is a resume at step 0: a job
                // that crashes the daemon before its first checkpoint is a crash loop too.
                if job.attempts > 1,
                    try checkCrashLoop(
                        job, step: 0, reused: 0, lostSteps: job.checkpointStep ?? 0,
                        note: "started again from step 0 (no valid checkpoint)", checkpoints: checkpoints)
                {
                    return nil
                }
                let renderer = try Renderer(parameters: parameters, catalog: catalog, pool: threads.pool, state: nil)
                return RenderStart(renderer: renderer, checkpoints: checkpoints, parametersHash: hash, reuse: [:])
            }
            let renderer = try Renderer(
                parameters: parameters, catalog: catalog, pool: threads.pool, state: checkpoint.state)
            let step = checkpoint.state.step
            var expected: [Int: Int] = [:]
            for (index, tile) in renderer.plan.tiles(step: step).enumerated() {
                expected[index] = renderer.model.latentChannels * tile.area
            }
            let reuse =
                step < parameters.steps
                ? checkpoints.readJournal(step: step, parametersHash: hash, expectedCounts: expected) : [:]
            let lostSteps = max(0, (job.checkpointStep ?? step) - step)
            let note =
                "resumed from the checkpoint after step \(step) with \(reuse.count) of \(expected.count) tiles of step \(step + 1) reused"
                + (lostSteps > 0
                    ? "; \(lostSteps) completed step\(lostSteps == 1 ? "" : "s") redone (newer checkpoint unusable)"
                    : "")
            log(
                job.id, .info, note,
                event: .resumed(
                    attempt: job.attempts, fromStep: step, reusedTiles: reuse.count,
                    lostTiles: expected.count - reuse.count, lostSteps: lostSteps))
            if try checkCrashLoop(
                job, step: step, reused: reuse.count, lostSteps: lostSteps, note: note, checkpoints: checkpoints)
            {
                return nil
            }
            return RenderStart(renderer: renderer, checkpoints: checkpoints, parametersHash: hash, reuse: reuse)
        } catch {
            finish(job, .failed, error: "cannot start the render: \(error)")
            return nil
        }
    }

    /// Records the resume; fails the job and returns true when it keeps resuming at one step.
    func checkCrashLoop(
        _ job: Job, step: Int, reused: Int, lostSteps: Int, note: String,
        checkpoints: CheckpointStore
    ) throws -> Bool {
        let stalled = try store.recordResume(
            id: job.id, info: ResumeInfo(fromStep: step, reusedTiles: reused, lostSteps: lostSteps, note: note))
        guard stalled > maxStalledResumes else { return false }
        finish(
            job, .failed,
            error: "crash loop: resumed \(stalled) times at step \(step) without getting further; "
                + "giving up (limit \(maxStalledResumes), --max-stalled-resumes)")
        try? checkpoints.removeAll()
        return true
    }

    /// Makes the state after the step just taken durable, then records it in the job's row,
    /// on the checkpoint writer's thread while the next step computes.
    func checkpoint(_ start: RenderStart, job: Job, writer: CheckpointWriter) throws {
        let state = start.renderer.state
        let plan = start.renderer.plan
        let checkpoints = start.checkpoints
        let hash = start.parametersHash
        let store = self.store
        let metrics = self.metrics
        try writer.submit {
            let written = try checkpoints.write(state, parametersHash: hash, plan: plan)
            metrics.checkpointWritten(seconds: written.seconds)
            // The window between a durable checkpoint and its database record, widened for tests.
            try FaultInjection.point("store.before-commit")
            try store.recordCheckpoint(id: job.id, step: state.step)
        }
    }
}
