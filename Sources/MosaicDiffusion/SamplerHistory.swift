import Foundation

/// The state a sampler carries from one step to the next, saved with a checkpoint so that a
/// resumed sampler continues bit for bit.
///
/// It names the sampler it belongs to (kind, step count, schedule configuration); a sampler
/// refuses, with ``SamplerError/historyMismatch(reason:)``, to step with a history of another.
/// The state of the ``NoiseSource`` (Euler ancestral) is not part of it: checkpoint the
/// generator alongside.
///
/// Encoding: ``previousDenoised`` is written as raw little-endian float32 bytes (`Data`, so
/// base64 in JSON) under the key `previousDenoisedFloat32LE`, which is exact and a quarter of
/// the size of a JSON number list. ``beginStep`` is written only when it is not 0, so the
/// histories of renders from noise encode as they did before it existed.
public struct SamplerHistory: Sendable, Hashable, Codable {
    /// The sampler this history belongs to.
    public var kind: SamplerKind
    /// The step count of that sampler.
    public var stepCount: Int
    /// The schedule configuration of that sampler.
    public var config: NoiseScheduleConfig
    /// The index of the next step to run (diffusers' `step_index`); `stepCount` when done.
    public var nextStep: Int
    /// The step the run began at (diffusers' `begin_index`): 0 from noise, later for
    /// image-to-image. Multistep samplers count their lower-order steps from it.
    public var beginStep: Int
    /// DPM-Solver++: diffusers' `lower_order_nums`, how many steps have run so far, capped at
    /// the solver order (2). 0 for the other samplers.
    public var lowerOrderNums: Int
    /// DPM-Solver++: the previous step's data prediction x0 (diffusers' `model_outputs[-1]`
    /// after conversion), one value per sample element. Empty for the other samplers and
    /// before the first step.
    public var previousDenoised: [Float]

    /// Creates a history; a fresh sampler starts from `nextStep` 0 and empty state.
    public init(
        kind: SamplerKind, stepCount: Int, config: NoiseScheduleConfig,
        nextStep: Int = 0, beginStep: Int = 0, lowerOrderNums: Int = 0, previousDenoised: [Float] = []
    ) {
        self.kind = kind
        self.stepCount = stepCount
        self.config = config
        self.nextStep = nextStep
        self.beginStep = beginStep
        self.lowerOrderNums = lowerOrderNums
        self.previousDenoised = previousDenoised
    }

    private enum CodingKeys: String, CodingKey {
        case kind, stepCount, config, nextStep, beginStep, lowerOrderNums
        case previousDenoised = "previousDenoisedFloat32LE"
    }

    /// Decodes a history written by ``encode(to:)``.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        kind = try container.decode(SamplerKind.self, forKey: .kind)
        stepCount = try container.decode(Int.self, forKey: .stepCount)
        config = try container.decode(NoiseScheduleConfig.self, forKey: .config)
        nextStep = try container.decode(Int.self, forKey: .nextStep)
        beginStep = try container.decodeIfPresent(Int.self, forKey: .beginStep) ?? 0
        lowerOrderNums = try container.decode(Int.self, forKey: .lowerOrderNums)
        let bytes = try container.decode(Data.self, forKey: .previousDenoised)
        guard bytes.count % MemoryLayout<UInt32>.size == 0 else {
            throw DecodingError.dataCorruptedError(
                forKey: .previousDenoised, in: container,
                debugDescription: "\(bytes.count) bytes is not a whole number of float32 values")
        }
        var values = [Float](repeating: 0, count: bytes.count / MemoryLayout<UInt32>.size)
        values.withUnsafeMutableBufferPointer { out in
            bytes.withUnsafeBytes { raw in
                for i in out.indices {
                    let bits = raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)
                    out[i] = Float(bitPattern: UInt32(littleEndian: bits))
                }
            }
        }
        previousDenoised = values
    }

    /// Encodes the history; see the type's documentation for the layout.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        try container.encode(stepCount, forKey: .stepCount)
        try container.encode(config, forKey: .config)
        try container.encode(nextStep, forKey: .nextStep)
        // Absent from renders that start from noise, so their checkpoints read as before.
        if beginStep != 0 { try container.encode(beginStep, forKey: .beginStep) }
        try container.encode(lowerOrderNums, forKey: .lowerOrderNums)
        var bytes = Data(count: previousDenoised.count * MemoryLayout<UInt32>.size)
        bytes.withUnsafeMutableBytes { raw in
            for (i, value) in previousDenoised.enumerated() {
                raw.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: i * 4, as: UInt32.self)
            }
        }
        try container.encode(bytes, forKey: .previousDenoised)
    }

    /// Checks that a step may run with this history (see ``Sampler/step(modelOutput:sample:step:noise:)``).
    func validateStep(
        kind: SamplerKind, stepCount: Int, config: NoiseScheduleConfig,
        step: Int, modelOutputCount: Int, sampleCount: Int
    ) throws(SamplerError) {
        guard self.kind == kind, self.stepCount == stepCount, self.config == config else {
            throw .historyMismatch(
                reason: "history is for \(self.kind.rawValue) with \(self.stepCount) steps"
                    + (self.config == config ? "" : " and another schedule configuration")
                    + ", sampler is \(kind.rawValue) with \(stepCount) steps")
        }
        guard (0..<stepCount).contains(step) else {
            throw .stepOutOfRange(step: step, stepCount: stepCount)
        }
        guard step == nextStep else {
            throw .stepOutOfOrder(expected: nextStep, got: step)
        }
        guard modelOutputCount == sampleCount else {
            throw .bufferSizeMismatch(modelOutput: modelOutputCount, sample: sampleCount)
        }
    }
}
