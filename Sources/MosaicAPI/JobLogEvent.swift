/// What a job's log line records, for programs: a kind and its fields, next to the message that
/// people read. Tools read these instead of parsing the message, which may be reworded.
public enum JobLogEvent: Sendable, Equatable {
    /// The job was submitted by the user named `by`.
    case submitted(by: String)
    /// An attempt began: `attempt` counts from 1, on `threads` worker threads.
    case attemptStarted(attempt: Int, threads: Int)
    /// A checkpoint file could not be used (the message says which and why).
    case checkpointUnusable
    /// An attempt after an interruption found no valid checkpoint and starts from step 0;
    /// `lostSteps` completed steps are redone.
    case startedOver(lostSteps: Int)
    /// Attempt `attempt` continues from the checkpoint after step `fromStep`: of the interrupted
    /// step's tiles, `reusedTiles` come from its journal and `lostTiles` are evaluated again;
    /// `lostSteps` completed steps are redone because a newer checkpoint was unusable.
    case resumed(attempt: Int, fromStep: Int, reusedTiles: Int, lostTiles: Int, lostSteps: Int)
    /// A running job went back to the queue after completing `step` steps.
    case requeued(step: Int, cause: RequeueCause)
    /// The output was written to `outputPath`, `seconds` after the attempt's first step began.
    case rendered(seconds: Double, outputPath: String)
    /// Stage `stage` (from 1) of `stages` ended with its image kept at `outputPath`.
    case stageFinished(stage: Int, stages: Int, outputPath: String)
    /// The user named `by` canceled the job; `step` is nil when it was still queued.
    case canceled(by: String, step: Int?)
    /// The job failed (the message is the error).
    case failed
    /// A failed or canceled job was queued again; `previousState` is the state it left.
    case retried(previousState: JobState)

    /// Why a running job went back to the queue.
    public enum RequeueCause: String, Codable, Sendable, CaseIterable {
        /// The daemon was stopping and requeued the job itself.
        case shutdown
        /// A starting daemon found the job running: the previous process ended without requeuing it.
        case recovery
    }

    /// The event's kind: its wire name and what `JobLogEvent` case it is.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// `submitted`.
        case submitted
        /// `attemptStarted`.
        case attemptStarted = "attempt_started"
        /// `checkpointUnusable`.
        case checkpointUnusable = "checkpoint_unusable"
        /// `startedOver`.
        case startedOver = "started_over"
        /// `resumed`.
        case resumed
        /// `requeued`.
        case requeued
        /// `rendered`.
        case rendered
        /// `stage_finished`.
        case stageFinished = "stage_finished"
        /// `canceled`.
        case canceled
        /// `failed`.
        case failed
        /// `retried`.
        case retried
    }

    /// This event's kind.
    public var kind: Kind {
        switch self {
        case .submitted: .submitted
        case .attemptStarted: .attemptStarted
        case .checkpointUnusable: .checkpointUnusable
        case .startedOver: .startedOver
        case .resumed: .resumed
        case .requeued: .requeued
        case .rendered: .rendered
        case .stageFinished: .stageFinished
        case .canceled: .canceled
        case .failed: .failed
        case .retried: .retried
        }
    }
}
