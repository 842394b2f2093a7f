import Foundation
import MosaicAPI

/// `mosaicctl show` for people: labelled lines, the render, then the log.
struct JobDetailView {
    /// The job.
    let job: Job
    /// Its log.
    let log: [LogLine]
    /// The time ages are counted to.
    var now = Date()

    /// The lines to print.
    func lines() -> [String] {
        var fields: [(String, String)] = [
            ("id", String(job.id)), ("state", job.state.rawValue),
            ("owner", "\(job.owner.name) (uid \(job.owner.uid))"), ("priority", String(job.priority)),
            ("created", when(job.createdAt)),
        ]
        if let started = job.startedAt { fields.append(("started", when(started))) }
        if let finished = job.finishedAt { fields.append(("finished", when(finished))) }
        let resumes = job.resumeCount ?? 0
        fields.append(
            ("attempts", "\(job.attempts) (resumed from a checkpoint \(resumes) time\(resumes == 1 ? "" : "s"))"))
        if let progress = job.progress { fields.append(("progress", describe(progress))) }
        fields.append(("checkpoint", job.checkpointStep.map { "after step \($0)" } ?? "none"))
        if let resume = job.lastResume {
            let lost =
                resume.lostSteps == 0
                ? "no completed step lost"
                : "\(resume.lostSteps) completed step\(resume.lostSteps == 1 ? "" : "s") redone"
            fields.append(
                (
                    "last resume",
                    "from step \(resume.fromStep), \(resume.reusedTiles) finished tile\(resume.reusedTiles == 1 ? "" : "s") reused, \(lost); at most the tiles in flight were lost"
                ))
            fields.append(("resume note", resume.note))
        }
        if let error = job.error { fields.append(("error", error)) }
        if let by = job.canceledBy { fields.append(("canceled by", "\(by.name) (uid \(by.uid))")) }
        if let output = job.outputPath { fields.append(("output", output)) }

        var lines = aligned(fields, indent: "")
        lines.append("render:")
        lines += aligned(renderFields(job.render), indent: "  ")
        lines.append("log:" + (log.isEmpty ? " (empty)" : ""))
        lines += log.map {
            "  \(Format.timestamp($0.time))  \($0.level.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)) \($0.message)"
        }
        return lines
    }

    private func renderFields(_ render: RenderSpec) -> [(String, String)] {
        func text<T>(_ value: T?) -> String { value.map { "\($0)" } ?? "(daemon default)" }
        func text(_ value: Float?) -> String { value.map { String(format: "%g", $0) } ?? "(daemon default)" }
        var fields: [(String, String)] = [("prompt", render.prompt)]
        if let negative = render.negativePrompt, !negative.isEmpty { fields.append(("negative prompt", negative)) }
        fields += [
            ("model", text(render.model)), ("size", Format.size(render)), ("steps", text(render.steps)),
            ("sampler", text(render.sampler)), ("guidance", text(render.guidance)), ("seed", text(render.seed)),
            ("tiling", text(render.tiling)), ("tile size", text(render.tileSize)),
            ("tile overlap", text(render.tileOverlap)), ("tile weighting", text(render.tileWeighting)),
            ("encoding", render.lossless == true ? "lossless WebP" : "lossy WebP, quality \(text(render.quality))"),
        ]
        return fields
    }

    private func describe(_ progress: JobProgress) -> String {
        var text = "\(Format.position(progress)) (\(Format.percent(progress)))"
        if progress.tilesTotal > 0 { text += ", tiles \(progress.tilesDone)/\(progress.tilesTotal)" }
        text += ", \(Format.clock(progress.elapsedSeconds)) elapsed"
        if let eta = progress.etaSeconds, job.state == .running { text += ", ETA \(Format.clock(eta))" }
        return text
    }

    private func when(_ date: Date) -> String {
        "\(Format.timestamp(date)) (\(Format.age(now.timeIntervalSince(date))) ago)"
    }

    private func aligned(_ fields: [(String, String)], indent: String) -> [String] {
        let width = (fields.map { $0.0.count }.max() ?? 0) + 1
        return fields.map { indent + ($0.0 + ":").padding(toLength: width + 1, withPad: " ", startingAt: 0) + $0.1 }
    }
}
