/// Why a sampler could not be built or could not take a step.
public enum SamplerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The schedule configuration cannot be used.
    case invalidConfig(reason: String)
    /// The requested number of inference steps is outside `valid`.
    case invalidStepCount(steps: Int, valid: ClosedRange<Int>)
    /// diffusers itself cannot run this step count under this configuration (it raises, or
    /// produces NaNs); `reason` says why.
    case unsupportedSchedule(kind: SamplerKind, steps: Int, reason: String)
    /// `step` is not an index of the schedule (`0..<stepCount`): sampling has finished or
    /// the index is negative.
    case stepOutOfRange(step: Int, stepCount: Int)
    /// Steps must run in order; the sampler expected `expected` next.
    case stepOutOfOrder(expected: Int, got: Int)
    /// The model output and the sample buffers have different lengths.
    case bufferSizeMismatch(modelOutput: Int, sample: Int)
    /// The sampler's ``SamplerHistory`` does not belong to it or to this sample buffer.
    case historyMismatch(reason: String)

    /// A readable account of the error, with its context.
    public var description: String {
        switch self {
        case .invalidConfig(let reason):
            "invalid noise schedule configuration: \(reason)"
        case .invalidStepCount(let steps, let valid):
            "invalid number of inference steps \(steps); expected \(valid.lowerBound)...\(valid.upperBound)"
        case .unsupportedSchedule(let kind, let steps, let reason):
            "\(kind.rawValue) cannot run \(steps) steps with this configuration: \(reason)"
        case .stepOutOfRange(let step, let stepCount):
            "step \(step) is outside the schedule 0..<\(stepCount)"
        case .stepOutOfOrder(let expected, let got):
            "steps must run in order: expected step \(expected), got \(got)"
        case .bufferSizeMismatch(let modelOutput, let sample):
            "model output has \(modelOutput) values but the sample has \(sample)"
        case .historyMismatch(let reason):
            "sampler history does not match: \(reason)"
        }
    }
}
