/// The wire form: one flat object, `kind` and the case's fields in snake_case
/// (`{"kind":"resumed","attempt":2,"from_step":8,...}`); a nil field is left out.
extension JobLogEvent: Codable {
    /// The wire names: snake_case, spelled out (a key strategy costs every key of every decode).
    enum CodingKeys: String, CodingKey {
        case kind, by, attempt, threads, step, cause, seconds, stage, stages
        case lostSteps = "lost_steps"
        case fromStep = "from_step"
        case reusedTiles = "reused_tiles"
        case lostTiles = "lost_tiles"
        case outputPath = "output_path"
        case previousState = "previous_state"
    }

    /// Decodes an event; an unknown kind or a missing field is an error.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(Kind.self, forKey: .kind) {
        case .submitted:
            self = .submitted(by: try c.decode(String.self, forKey: .by))
        case .attemptStarted:
            self = .attemptStarted(
                attempt: try c.decode(Int.self, forKey: .attempt), threads: try c.decode(Int.self, forKey: .threads))
        case .checkpointUnusable:
            self = .checkpointUnusable
        case .startedOver:
            self = .startedOver(lostSteps: try c.decode(Int.self, forKey: .lostSteps))
        case .resumed:
            self = .resumed(
                attempt: try c.decode(Int.self, forKey: .attempt), fromStep: try c.decode(Int.self, forKey: .fromStep),
                reusedTiles: try c.decode(Int.self, forKey: .reusedTiles),
                lostTiles: try c.decode(Int.self, forKey: .lostTiles),
                lostSteps: try c.decode(Int.self, forKey: .lostSteps))
        case .requeued:
            self = .requeued(
                step: try c.decode(Int.self, forKey: .step), cause: try c.decode(RequeueCause.self, forKey: .cause))
        case .rendered:
            self = .rendered(
                seconds: try c.decode(Double.self, forKey: .seconds),
                outputPath: try c.decode(String.self, forKey: .outputPath))
        case .stageFinished:
            self = .stageFinished(
                stage: try c.decode(Int.self, forKey: .stage), stages: try c.decode(Int.self, forKey: .stages),
                outputPath: try c.decode(String.self, forKey: .outputPath))
        case .canceled:
            self = .canceled(
                by: try c.decode(String.self, forKey: .by), step: try c.decodeIfPresent(Int.self, forKey: .step))
        case .failed:
            self = .failed
        case .retried:
            self = .retried(previousState: try c.decode(JobState.self, forKey: .previousState))
        }
    }

    /// Encodes the kind and the case's fields.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        switch self {
        case .submitted(let by):
            try c.encode(by, forKey: .by)
        case .attemptStarted(let attempt, let threads):
            try c.encode(attempt, forKey: .attempt)
            try c.encode(threads, forKey: .threads)
        case .checkpointUnusable, .failed:
            break
        case .startedOver(let lostSteps):
            try c.encode(lostSteps, forKey: .lostSteps)
        case .resumed(let attempt, let fromStep, let reusedTiles, let lostTiles, let lostSteps):
            try c.encode(attempt, forKey: .attempt)
            try c.encode(fromStep, forKey: .fromStep)
            try c.encode(reusedTiles, forKey: .reusedTiles)
            try c.encode(lostTiles, forKey: .lostTiles)
            try c.encode(lostSteps, forKey: .lostSteps)
        case .requeued(let step, let cause):
            try c.encode(step, forKey: .step)
            try c.encode(cause, forKey: .cause)
        case .rendered(let seconds, let outputPath):
            try c.encode(seconds, forKey: .seconds)
            try c.encode(outputPath, forKey: .outputPath)
        case .stageFinished(let stage, let stages, let outputPath):
            try c.encode(stage, forKey: .stage)
            try c.encode(stages, forKey: .stages)
            try c.encode(outputPath, forKey: .outputPath)
        case .canceled(let by, let step):
            try c.encode(by, forKey: .by)
            try c.encodeIfPresent(step, forKey: .step)
        case .retried(let previousState):
            try c.encode(previousState, forKey: .previousState)
        }
    }
}
