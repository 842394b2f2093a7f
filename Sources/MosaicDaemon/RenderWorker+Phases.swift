import Foundation
import MosaicAPI
import MosaicCheckpoint
import MosaicRender

extension RenderWorker {
    /// Takes the stage's remaining steps, checkpointing after each; `onStep` gets each step
    /// as it starts.
    func denoise(
        _ start: RenderStart, job: Job, writer: CheckpointWriter, reporter: JobProgressPublisher, started: Date,
        onStep: (Int) -> Void
    ) throws {
        let renderer = start.renderer
        var reuse = start.reuse
        var durations: [Double] = []
        let steps = renderer.parameters.steps
        let (model, tileSize) = (renderer.parameters.model, renderer.parameters.tileSize)
        let stage = start.stage
        var lastPreview = -Double.infinity
        while !renderer.isFinished {
            let stepStarted = Date()
            let step = renderer.state.step
            onStep(step)
            // No preview after the last step: the output follows at once.
            let previewAt = ProcessInfo.processInfo.systemUptime
            renderer.computesPreview = step + 1 < steps && previewAt - lastPreview >= Self.previewInterval
            let history = durations
            let journal = try start.checkpoints.openJournal(step: step, parametersHash: start.parametersHash)
            defer { journal.close() }
            let saved = reuse
            reuse = [:]
            try renderer.step(
                reuse: saved,
                onTileOutput: { tile, output in
                    // A failed journal write only costs the tile on a later resume.
                    try? journal.append(tile: tile, values: output)
                },
                onTile: { [self] done, total, seconds in
                    metrics.tileEvaluated(seconds: seconds)
                    tileRates.record(model: model, tileSize: tileSize, seconds: seconds)
                    let now = Date()
                    heartbeat.withLock { $0 = now }
                    reporter.report(
                        stage.progress(
                            step: step, done: done, total: total, elapsed: now.timeIntervalSince(started),
                            durations: history), persist: false)
                })
            try checkpoint(start, job: job, writer: writer)
            let seconds = Date().timeIntervalSince(stepStarted)
            durations.append(seconds)
            metrics.stepCompleted(seconds: seconds)
            let tiles = renderer.plan.tiles(step: step).count
            let progress = stage.progress(
                step: step + 1, done: tiles, total: tiles, elapsed: Date().timeIntervalSince(started),
                durations: durations)
            let persisted = reporter.report(progress, persist: true)
            if renderer.computesPreview, let preview = renderer.latestPreview {
                running.withLock { $0?.preview = preview }
                lastPreview = previewAt
            }
            if persisted || step + 1 == steps {
                onStatus(
                    "job \(job.id): \(stage.label)step \(progress.step)/\(progress.steps)"
                        + (progress.etaSeconds.map { String(format: ", ETA %.0f s", $0) } ?? ""))
            }
        }
    }

    /// Decodes the stage's latent, journaling each tile and reusing those an earlier attempt
    /// journaled, and writes the image to `url`.
    func decode(
        _ start: RenderStart, to url: URL, encoding: OutputEncoding, reporter: JobProgressPublisher, started: Date,
        threads: RenderThreads
    ) throws {
        let renderer = start.renderer
        let journal = try start.checkpoints.openJournal(.decode, parametersHash: start.parametersHash)
        defer { journal.close() }
        let stage = start.stage
        let image = try renderer.decodeImage(
            pool: threads.pool, reuse: start.decodedTiles,
            onTileOutput: { tile, rgb in
                // A failed journal write only costs the tile on a later resume.
                try? journal.append(tile: tile, bytes: UnsafeRawBufferPointer(rgb))
                // For tests: stop the daemon once a decode tile is safe in the journal.
                try FaultInjection.point("decode.after-journal")
            },
            onTile: { [self] done, total in
                let now = Date()
                heartbeat.withLock { $0 = now }
                reporter.report(
                    stage.progress(decoded: done, of: total, elapsed: now.timeIntervalSince(started)),
                    persist: done == total)
            })
        reporter.flush()
        try renderer.write(image, to: url, encoding: encoding)
    }
}
