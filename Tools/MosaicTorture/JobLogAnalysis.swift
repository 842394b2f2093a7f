import MosaicAPI

/// What a job's log (`GET /v1/jobs/{id}/log`) says about its attempts, read from the lines'
/// structured events (`JobLogEvent`) only: a reworded message changes nothing here.
///
/// The daemon logs `attempt_started` as an attempt begins, `rendered` in the transaction that
/// marks the job succeeded, and `requeued` when a stop or a restart finds the job interrupted.
/// `rendered` followed by another `attempt_started` without a `requeued` between means a
/// finished job ran again.
struct JobLogAnalysis: Codable, Equatable, Sendable {
    /// `attempt_started` events.
    var starts = 0
    /// `rendered` events (outputs written).
    var rendered = 0
    /// Steps the job had completed when it was requeued, in order.
    var interruptedAtSteps: [Int] = []
    /// Steps that attempts resumed from (`resumed` events), in order.
    var resumedFromSteps: [Int] = []
    /// Whether an attempt started after an output had been written with no requeue between.
    var ranAfterRendering = false

    /// Analyses `lines`, oldest first; lines without an event are skipped.
    init(_ lines: [LogLine]) {
        var renderedAndNotRequeued = false
        for event in lines.compactMap(\.event) {
            switch event {
            case .requeued(let step, _):
                interruptedAtSteps.append(step)
                renderedAndNotRequeued = false
            case .attemptStarted:
                starts += 1
                if renderedAndNotRequeued { ranAfterRendering = true }
            case .rendered:
                rendered += 1
                renderedAndNotRequeued = true
            case .resumed(_, let fromStep, _, _, _):
                resumedFromSteps.append(fromStep)
            case .submitted, .checkpointUnusable, .startedOver, .canceled, .failed, .retried, .stageFinished:
                break
            }
        }
    }

    /// Attempts that resumed from a checkpoint past step 0.
    var resumes: Int { resumedFromSteps.filter { $0 > 0 }.count }

    /// Attempts that started from step 0 after an interruption.
    var restartsFromZero: Int { max(0, starts - 1 - resumes) }
}
