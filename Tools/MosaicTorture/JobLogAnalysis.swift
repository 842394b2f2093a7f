import MosaicAPI

/// What a job's log (`GET /v1/jobs/{id}/log`) says about its attempts.
///
/// The daemon logs "started attempt N", "rendered in ... s to PATH" after the output is
/// written, and "requeued: ... at step N" when a restart finds the job interrupted. A kill
/// between the output write and the commit that marks the job succeeded legitimately leaves a
/// "rendered" line followed by a requeue; a "rendered" line followed by another start without
/// a requeue in between means a finished job ran again.
struct JobLogAnalysis: Codable, Equatable, Sendable {
    /// "started attempt" lines.
    var starts = 0
    /// "rendered" lines (outputs written).
    var rendered = 0
    /// Steps at which a requeue found the job interrupted, in order.
    var interruptedAtSteps: [Int] = []
    /// Steps that attempts resumed from, when the daemon logs resumes ("resum... step N").
    var resumedFromSteps: [Int] = []
    /// Whether an attempt started after an output had been written with no requeue between.
    var ranAfterRendering = false

    /// Analyses `lines`, oldest first.
    init(_ lines: [LogLine]) {
        var renderedAndNotRequeued = false
        for line in lines {
            let message = line.message.lowercased()
            if message.hasPrefix("requeued") {
                if let step = Self.step(in: message) { interruptedAtSteps.append(step) }
                renderedAndNotRequeued = false
            } else if message.hasPrefix("started attempt") || message.hasPrefix("resumed attempt") {
                starts += 1
                if message.contains("resum"), let step = Self.step(in: message) { resumedFromSteps.append(step) }
                if renderedAndNotRequeued { ranAfterRendering = true }
            } else if message.hasPrefix("rendered") {
                rendered += 1
                renderedAndNotRequeued = true
            } else if message.contains("resum"), let step = Self.step(in: message) {
                // A resume logged on a line of its own, after the start line.
                resumedFromSteps.append(step)
            }
        }
    }

    /// Attempts that resumed from a checkpoint past step 0.
    var resumes: Int { resumedFromSteps.filter { $0 > 0 }.count }

    /// Attempts that started from step 0 after an interruption.
    var restartsFromZero: Int { max(0, starts - 1 - resumes) }

    /// The number after the first "step " in `message`.
    static func step(in message: String) -> Int? {
        guard let range = message.range(of: "step ") else { return nil }
        let digits = message[range.upperBound...].prefix { $0.isASCII && $0.isNumber }
        return Int(digits)
    }
}
