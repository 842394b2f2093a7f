import Foundation
import MosaicAPI

/// Shows a job's events on stderr: a redrawn bar on a terminal, plain lines otherwise (one per
/// state change, finished step and log message), as `mosaicd render` does for a local render.
final class ProgressDisplay {
    private let label: String
    private let isTerminal: Bool
    private var bar: String?  // the bar currently drawn, to redraw after a note
    private var lastDraw = 0.0
    private var lastPrintedStep: String?
    private var lastStateLine: String?  // the end event repeats the final state change's line

    init(jobID: Int64, isTerminal: Bool = Terminal.stderrIsTerminal) {
        label = "job \(jobID)"
        self.isTerminal = isTerminal
    }

    /// Shows one event.
    func show(_ event: JobEvent) {
        switch event.type {
        case .state, .end:
            guard let state = event.state ?? event.job?.state else { return }
            if event.type == .end { finish() }  // the verdict replaces the bar
            let line = stateLine(state, job: event.job)
            if event.type == .end, line == lastStateLine { return }
            lastStateLine = line
            note(line)
        case .progress:
            guard let progress = event.progress else { return }
            isTerminal ? draw(progress) : printStep(progress)
        case .log:
            if let message = event.message { note(message) }
        }
    }

    /// A line above the bar (or just a line).
    func note(_ text: String) {
        let clear = isTerminal && bar != nil ? "\r\u{1B}[K" : ""
        Terminal.writeError(clear + "\(label): \(text)\n" + (isTerminal ? bar ?? "" : ""))
    }

    /// Removes the bar before the final lines.
    func finish() {
        if isTerminal, bar != nil { Terminal.writeError("\r\u{1B}[K") }
        bar = nil
    }

    private func draw(_ progress: JobProgress) {
        let now = Date().timeIntervalSince1970
        // At most ten redraws a second, but never skip the end of a step.
        let stepEnded = progress.tilesTotal == 0 || progress.tilesDone == progress.tilesTotal
        guard stepEnded || now - lastDraw >= 0.1 else { return }
        lastDraw = now
        let line = Self.bar(label: label, progress)
        bar = line
        Terminal.writeError("\r\u{1B}[K" + line)
    }

    private func printStep(_ progress: JobProgress) {
        // A line per finished step: tile events and the step-0 start would only add noise to a log.
        let position = Format.position(progress)
        guard progress.step > 0, position != lastPrintedStep else { return }
        lastPrintedStep = position
        let eta = progress.etaSeconds.map { String(format: " eta %.1fs", $0) } ?? ""
        Terminal.writeError(
            "\(label): \(position) elapsed "
                + String(format: "%.1fs", progress.elapsedSeconds) + eta + "\n")
    }

    /// `job 7 [#########...............] step 12/30 tiles 200/441 01:02 elapsed, ETA 02:30`.
    static func bar(label: String, _ progress: JobProgress, width: Int = 24) -> String {
        let filled = Int(Format.fraction(progress) * Double(width))
        let tiles = progress.tilesTotal > 0 ? " tiles \(progress.tilesDone)/\(progress.tilesTotal)" : ""
        return "\(label) [\(String(repeating: "#", count: filled))\(String(repeating: ".", count: width - filled))] "
            + "\(Format.position(progress))\(tiles) \(Format.clock(progress.elapsedSeconds)) elapsed"
            + (progress.etaSeconds.map { ", ETA \(Format.clock($0))" } ?? "")
    }

    private func stateLine(_ state: JobState, job: Job?) -> String {
        guard let job else { return state.rawValue }
        switch state {
        case .running where job.attempts > 1:
            return "running (attempt \(job.attempts)" + (job.checkpointStep.map { ", resuming after step \($0)" } ?? "")
                + ")"
        case .failed:
            return "failed" + (job.error.map { ": \($0)" } ?? "")
        case .canceled:
            return "canceled" + (job.canceledBy.map { " by \($0.name)" } ?? "")
        case .succeeded:
            let took = job.progress.map { " in \(Format.clock($0.elapsedSeconds))" } ?? ""
            return "succeeded\(took)"
        default:
            return state.rawValue
        }
    }
}
