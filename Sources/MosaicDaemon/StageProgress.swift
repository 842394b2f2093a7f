import MosaicAPI

/// How one stage of a job reports its progress: steps counted from the stage's first (an
/// image-to-image stage runs the last `int(steps x strength)` of the schedule), the stage and
/// phase named, and an ETA that includes the later stages' tile evaluations.
struct StageProgress: Sendable {
    /// The stage, from 0.
    let index: Int
    /// The job's stages (1 for a direct render).
    let count: Int
    /// The schedule step the stage starts at.
    let firstStep: Int
    /// The schedule's steps.
    let steps: Int
    /// Tile evaluations per step of this stage (the first step's).
    let tilesPerStep: Int
    /// Tile evaluations of the stages after this one.
    let laterTileEvaluations: Int

    /// `stage 2/5, ` for staged jobs, empty for direct ones (status lines).
    var label: String { count > 1 ? "stage \(index + 1)/\(count), " : "" }

    /// Progress during or after schedule step `step` (`done` of `total` tiles of it evaluated).
    func progress(step: Int, done: Int, total: Int, elapsed: Double, durations: [Double]) -> JobProgress {
        var eta: Double?
        if !durations.isEmpty {
            let recent = durations.suffix(5)
            let perStep = recent.reduce(0, +) / Double(recent.count)
            let current = total > 0 && done < total ? Double(done) / Double(total) : 0
            let perTile = perStep / Double(max(1, tilesPerStep))
            eta = max(0, perStep * (Double(steps - step) - current)) + perTile * Double(laterTileEvaluations)
        }
        return JobProgress(
            step: step - firstStep, steps: steps - firstStep, tilesDone: done, tilesTotal: total,
            elapsedSeconds: elapsed, etaSeconds: eta, stage: count > 1 ? index : nil, stages: count > 1 ? count : nil,
            phase: .denoise)
    }

    /// Progress of the decode: `done` of `total` tiles.
    func progress(decoded done: Int, of total: Int, elapsed: Double) -> JobProgress {
        JobProgress(
            step: steps - firstStep, steps: steps - firstStep, tilesDone: done, tilesTotal: total,
            elapsedSeconds: elapsed, stage: count > 1 ? index : nil, stages: count > 1 ? count : nil, phase: .decode)
    }
}
