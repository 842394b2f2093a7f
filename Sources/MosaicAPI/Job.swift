import Foundation

/// A user, as the daemon saw them through the socket's peer credentials.
public struct Owner: Codable, Sendable, Equatable, Hashable {
    /// The numeric user id.
    public var uid: UInt32
    /// The user name, or the uid as text when it has none.
    public var name: String

    /// Creates an owner.
    public init(uid: UInt32, name: String) {
        self.uid = uid
        self.name = name
    }
}

/// A job's progress through its render.
public struct JobProgress: Codable, Sendable, Equatable {
    /// The wire names: snake_case, spelled out (a key strategy costs every key of every decode).
    enum CodingKeys: String, CodingKey {
        case step, steps
        case tilesDone = "tiles_done"
        case tilesTotal = "tiles_total"
        case elapsedSeconds = "elapsed_seconds"
        case etaSeconds = "eta_seconds"
        case stage, stages, phase
    }

    /// Steps completed (of the current stage, in a staged render).
    public var step: Int
    /// All steps.
    public var steps: Int
    /// Tiles evaluated in the current step.
    public var tilesDone: Int
    /// Tiles in the current step.
    public var tilesTotal: Int
    /// Seconds spent rendering in this attempt.
    public var elapsedSeconds: Double
    /// Seconds left, from measured step times; nil until a step completes.
    public var etaSeconds: Double?
    /// The current stage of a staged render, from 0; nil for a direct render.
    public var stage: Int?
    /// The stages of a staged render; nil for a direct render.
    public var stages: Int?
    /// What the render is doing: `denoise`, `encode` or `decode` (tiles count that phase's tiles).
    public var phase: RenderPhase?

    /// Creates a progress record.
    public init(
        step: Int, steps: Int, tilesDone: Int = 0, tilesTotal: Int = 0, elapsedSeconds: Double = 0,
        etaSeconds: Double? = nil, stage: Int? = nil, stages: Int? = nil, phase: RenderPhase? = nil
    ) {
        self.step = step
        self.steps = steps
        self.tilesDone = tilesDone
        self.tilesTotal = tilesTotal
        self.elapsedSeconds = elapsedSeconds
        self.etaSeconds = etaSeconds
        self.stage = stage
        self.stages = stages
        self.phase = phase
    }
}

/// The phases of one stage of a render.
public enum RenderPhase: String, Codable, Sendable, CaseIterable {
    /// Encoding the stage's input image to a latent (image-to-image).
    case encode
    /// Denoising steps.
    case denoise
    /// Decoding the latent to the stage's image.
    case decode
}

/// What the last resume of a job started from, reused and lost.
public struct ResumeInfo: Codable, Sendable, Equatable {
    /// The wire names: snake_case, spelled out (a key strategy costs every key of every decode).
    enum CodingKeys: String, CodingKey {
        case fromStep = "from_step"
        case reusedTiles = "reused_tiles"
        case lostSteps = "lost_steps"
        case note
    }

    /// The step whose checkpoint the render continued from.
    public var fromStep: Int
    /// Finished tile outputs of the interrupted step that were reused.
    public var reusedTiles: Int
    /// Completed steps that had to be redone (a newer checkpoint was unusable).
    public var lostSteps: Int
    /// What happened, in one line (fall-backs included).
    public var note: String

    /// Creates a resume record.
    public init(fromStep: Int, reusedTiles: Int, lostSteps: Int, note: String) {
        self.fromStep = fromStep
        self.reusedTiles = reusedTiles
        self.lostSteps = lostSteps
        self.note = note
    }
}

/// One job in the queue, as the API shows it.
public struct Job: Codable, Sendable, Equatable, Identifiable {
    /// The wire names: snake_case, spelled out (a key strategy costs every key of every decode).
    enum CodingKeys: String, CodingKey {
        case id, state, render, priority, owner, attempts
        case createdAt = "created_at"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case progress
        case checkpointStep = "checkpoint_step"
        case error
        case canceledBy = "canceled_by"
        case outputPath = "output_path"
        case resumeCount = "resume_count"
        case lastResume = "last_resume"
        case batchId = "batch_id"
    }

    /// The job id (positive, increasing).
    public var id: Int64
    /// The life-cycle state.
    public var state: JobState
    /// The render, with defaults filled in and the seed fixed at submission.
    public var render: RenderSpec
    /// Higher runs first; equal priorities run oldest first.
    public var priority: Int
    /// Who submitted it.
    public var owner: Owner
    /// How many times the worker has started it.
    public var attempts: Int
    /// When it was submitted.
    public var createdAt: Date
    /// When its current attempt started.
    public var startedAt: Date?
    /// When it ended.
    public var finishedAt: Date?
    /// Progress of the current or last attempt.
    public var progress: JobProgress?
    /// The last step whose checkpoint is durable.
    public var checkpointStep: Int?
    /// Why it failed.
    public var error: String?
    /// Who canceled it.
    public var canceledBy: Owner?
    /// The WebP file, once it succeeded.
    public var outputPath: String?
    /// How many attempts continued from a checkpoint.
    public var resumeCount: Int?
    /// The last resume, if any.
    public var lastResume: ResumeInfo?
    /// The batch it was submitted in (`POST /v1/batches`); nil for a job submitted on its own.
    public var batchId: Int64?

    /// Creates a job record.
    public init(
        id: Int64, state: JobState, render: RenderSpec, priority: Int, owner: Owner, attempts: Int = 0,
        createdAt: Date, startedAt: Date? = nil, finishedAt: Date? = nil, progress: JobProgress? = nil,
        checkpointStep: Int? = nil, error: String? = nil, canceledBy: Owner? = nil, outputPath: String? = nil
    ) {
        self.id = id
        self.state = state
        self.render = render
        self.priority = priority
        self.owner = owner
        self.attempts = attempts
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.progress = progress
        self.checkpointStep = checkpointStep
        self.error = error
        self.canceledBy = canceledBy
        self.outputPath = outputPath
    }
}
