import Foundation
import MosaicAPI
import MosaicCheckpoint
import MosaicRender
import MosaicStore

/// How one stage of a claimed job starts: from scratch or from its newest valid checkpoint.
struct RenderStart {
    let renderer: Renderer
    let checkpoints: CheckpointStore
    let parametersHash: String
    /// Journaled tile outputs of the step the crash interrupted.
    let reuse: [Int: [Float]]
    /// Journaled decode tiles, when the crash interrupted the decode.
    let decodedTiles: [Int: [UInt8]]
    /// How the stage reports its progress.
    let stage: StageProgress
    /// Whether the renderer continues from a checkpoint (else it starts afresh: from noise, or
    /// from its init image's encoded latent).
    let fromCheckpoint: Bool
}

extension RenderWorker {
    /// The checkpoint directory of job `id`.
    func checkpointStore(for id: Int64) -> CheckpointStore {
        CheckpointStore(directory: checkpointDirectory.appendingPathComponent(String(id)).path)
    }

    /// The job's stages, once its parameters and the machine's resources are checked; nil when
    /// the job was failed instead.
    func prepare(_ job: Job) -> StagedRender? {
        let parameters: RenderParameters
        do { parameters = try job.render.parameters(images: images) } catch {
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
        do { return try StagedRender(parameters: parameters) } catch {
            finish(job, .failed, error: "cannot start the render: \(error)")
            return nil
        }
    }

    /// Builds the renderer of stage `index`, resuming from its newest valid checkpoint when there
    /// is one. `resuming` is true for the first stage an attempt runs: only then is a restart a
    /// resume (logged, and counted by the crash-loop guard). Returns nil when the job was failed.
    func start(
        _ job: Job, stage prepared: PreparedStage, of staged: StagedRender, checkpoints: CheckpointStore,
        resuming: Bool, threads: RenderThreads
    ) -> RenderStart? {
        let parameters = prepared.parameters
        let hash = parameters.checkpointHash
        let (checkpoint, notes) = checkpoints.loadNewestValid(parametersHash: hash)
        for note in notes { log(job.id, .warning, note, event: .checkpointUnusable) }
        let index = prepared.index
        let later = staged.plan.stages.dropFirst(index + 1).reduce(0) { $0 + $1.tileEvaluations }
        do {
            let renderer = try prepared.renderer(catalog: catalog, pool: threads.pool, state: checkpoint?.state)
            let stage = StageProgress(
                index: index, count: staged.count, firstStep: renderer.firstStep,
                steps: parameters.steps, tilesPerStep: renderer.plan.tiles(step: renderer.state.step).count,
                laterTileEvaluations: later)
            func started(reuse: [Int: [Float]], decoded: [Int: [UInt8]]) -> RenderStart {
                RenderStart(
                    renderer: renderer, checkpoints: checkpoints, parametersHash: hash, reuse: reuse,
                    decodedTiles: decoded, stage: stage, fromCheckpoint: checkpoint != nil)
            }
            guard let checkpoint else {
                guard resuming else { return started(reuse: [:], decoded: [:]) }
                if !notes.isEmpty || (job.checkpointStep != nil && staged.count == 1) {
                    log(
                        job.id, .warning,
                        "no valid checkpoint; the \(stage.label)render starts again from its first step",
                        event: .startedOver(lostSteps: job.checkpointStep ?? 0))
                }
                // Unusable files (and journals) must not be mistaken for this attempt's later.
                try? checkpoints.removeAll()
                // An attempt after a crash with no checkpoint yet is a resume at the stage's
                // first step: a job that crashes the daemon before its first checkpoint is a
                // crash loop too.
                if job.attempts > 1,
                    try checkCrashLoop(
                        job, step: renderer.state.step, reused: 0, lostSteps: job.checkpointStep ?? 0,
                        position: Self.position(stage: index, step: renderer.state.step, decodedTiles: 0),
                        note: "started again from the \(stage.label)first step (no valid checkpoint)",
                        checkpoints: checkpoints)
                {
                    return nil
                }
                return started(reuse: [:], decoded: [:])
            }
            let step = checkpoint.state.step
            var expected: [Int: Int] = [:]
            for (tile, rect) in renderer.plan.tiles(step: step).enumerated() {
                expected[tile] = renderer.model.latentChannels * rect.area
            }
            let reuse =
                step < parameters.steps
                ? checkpoints.readJournal(step: step, parametersHash: hash, expectedCounts: expected) : [:]
            var decoded: [Int: [UInt8]] = [:]
            var decodeTiles = 0
            if step >= parameters.steps {
                let tiles = renderer.decodeTiles
                decodeTiles = tiles.count
                let expectedBytes = Dictionary(
                    uniqueKeysWithValues: tiles.enumerated().map { ($0.offset, 3 * $0.element.area) })
                decoded = checkpoints.readJournal(.decode, parametersHash: hash, expectedByteCounts: expectedBytes)
            }
            guard resuming else { return started(reuse: reuse, decoded: decoded) }
            let lostSteps = max(0, (job.checkpointStep ?? step) - step)
            let note =
                "resumed \(stage.label)from the checkpoint after step \(step)"
                + (step < parameters.steps
                    ? " with \(reuse.count) of \(expected.count) tiles of step \(step + 1) reused"
                    : ", in the decode, with \(decoded.count) of \(decodeTiles) tiles decoded")
                + (lostSteps > 0
                    ? "; \(lostSteps) completed step\(lostSteps == 1 ? "" : "s") redone (newer checkpoint unusable)"
                    : "")
            log(
                job.id, .info, note,
                event: .resumed(
                    attempt: job.attempts, fromStep: step, reusedTiles: reuse.count,
                    lostTiles: expected.count - reuse.count, lostSteps: lostSteps))
            if try checkCrashLoop(
                job, step: step, reused: reuse.count, lostSteps: lostSteps,
                position: Self.position(stage: index, step: step, decodedTiles: decoded.count), note: note,
                checkpoints: checkpoints)
            {
                return nil
            }
            return started(reuse: reuse, decoded: decoded)
        } catch {
            finish(job, .failed, error: "cannot start the render: \(error)")
            return nil
        }
    }

    /// How far a job got, for the crash-loop guard: it grows with every stage, every step and
    /// every journaled decode tile (at most 2,047 steps and 2^21 decode tiles per stage).
    static func position(stage: Int, step: Int, decodedTiles: Int) -> Int64 {
        (Int64(stage) * 2048 + Int64(step)) << 21 + Int64(decodedTiles)
    }

    /// Records the resume; fails the job and returns true when it keeps resuming at one step.
    func checkCrashLoop(
        _ job: Job, step: Int, reused: Int, lostSteps: Int, position: Int64, note: String,
        checkpoints: CheckpointStore
    ) throws -> Bool {
        let stalled = try store.recordResume(
            id: job.id, info: ResumeInfo(fromStep: step, reusedTiles: reused, lostSteps: lostSteps, note: note),
            position: position)
        guard stalled > maxStalledResumes else { return false }
        finish(
            job, .failed,
            error: "crash loop: resumed \(stalled) times at the same place (step \(step)) without getting further; "
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
