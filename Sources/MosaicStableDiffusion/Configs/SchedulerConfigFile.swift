import MosaicDiffusion

/// The fields of a diffusers `scheduler/scheduler_config.json` that SD 1.x/2.x use.
public struct SchedulerConfigFile: Sendable, Equatable, Codable {
    /// What the UNet predicts (`prediction_type`).
    public enum PredictionType: String, Sendable, Codable, CaseIterable {
        /// The noise (SD 1.x, SD 2.x base 512).
        case epsilon
        /// The velocity `alpha * noise - sigma * x0` (SD 2.x 768-v).
        case vPrediction = "v_prediction"
    }

    /// The scheduler class the pipeline was saved with (`_class_name`).
    public var className: String?
    /// Train timesteps (`num_train_timesteps`, default 1000).
    public var numTrainTimesteps: Int
    /// First beta (`beta_start`, default 0.00085).
    public var betaStart: Double
    /// Last beta (`beta_end`, default 0.012).
    public var betaEnd: Double
    /// Beta interpolation (`beta_schedule`, default `scaled_linear`).
    public var betaSchedule: String
    /// Prediction type (`prediction_type`, default epsilon).
    public var predictionType: PredictionType
    /// Inference timestep placement (`timestep_spacing`, default `leading`).
    public var timestepSpacing: String
    /// Offset of "leading" timesteps (`steps_offset`, default 1 as in SD's configs).
    public var stepsOffset: Int

    enum CodingKeys: String, CodingKey {
        case className = "_class_name"
        case numTrainTimesteps = "num_train_timesteps"
        case betaStart = "beta_start"
        case betaEnd = "beta_end"
        case betaSchedule = "beta_schedule"
        case predictionType = "prediction_type"
        case timestepSpacing = "timestep_spacing"
        case stepsOffset = "steps_offset"
    }

    /// Creates a configuration; the defaults are SD 1.5's.
    public init(
        className: String? = nil, numTrainTimesteps: Int = 1000, betaStart: Double = 0.00085, betaEnd: Double = 0.012,
        betaSchedule: String = "scaled_linear", predictionType: PredictionType = .epsilon,
        timestepSpacing: String = "leading", stepsOffset: Int = 1
    ) {
        self.className = className
        self.numTrainTimesteps = numTrainTimesteps
        self.betaStart = betaStart
        self.betaEnd = betaEnd
        self.betaSchedule = betaSchedule
        self.predictionType = predictionType
        self.timestepSpacing = timestepSpacing
        self.stepsOffset = stepsOffset
    }

    /// Decodes a `scheduler_config.json`; every key is optional, as in diffusers.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            className: try c.decodeIfPresent(String.self, forKey: .className),
            numTrainTimesteps: try c.decodeIfPresent(Int.self, forKey: .numTrainTimesteps) ?? 1000,
            betaStart: try c.decodeIfPresent(Double.self, forKey: .betaStart) ?? 0.00085,
            betaEnd: try c.decodeIfPresent(Double.self, forKey: .betaEnd) ?? 0.012,
            betaSchedule: try c.decodeIfPresent(String.self, forKey: .betaSchedule) ?? "scaled_linear",
            predictionType: try c.decodeIfPresent(PredictionType.self, forKey: .predictionType) ?? .epsilon,
            timestepSpacing: try c.decodeIfPresent(String.self, forKey: .timestepSpacing) ?? "leading",
            stepsOffset: try c.decodeIfPresent(Int.self, forKey: .stepsOffset) ?? 1)
    }

    /// Reads `scheduler_config.json` at `path`.
    public static func load(path: String) throws(ModelLoadError) -> SchedulerConfigFile {
        let config = try ConfigFile.decode(SchedulerConfigFile.self, path: path)
        _ = try config.noiseScheduleConfig(path: path)
        return config
    }

    /// The noise schedule Mosaic's samplers take; `path` names the file in errors.
    public func noiseScheduleConfig(path: String = "scheduler_config.json") throws(ModelLoadError)
        -> NoiseScheduleConfig
    {
        guard let schedule = NoiseScheduleConfig.BetaSchedule(rawValue: betaSchedule) else {
            throw .invalidConfig(path: path, reason: "unsupported beta_schedule '\(betaSchedule)'")
        }
        guard let spacing = NoiseScheduleConfig.TimestepSpacing(rawValue: timestepSpacing) else {
            throw .invalidConfig(path: path, reason: "unsupported timestep_spacing '\(timestepSpacing)'")
        }
        return NoiseScheduleConfig(
            numTrainTimesteps: numTrainTimesteps, betaStart: betaStart, betaEnd: betaEnd, betaSchedule: schedule,
            timestepSpacing: spacing, stepsOffset: stepsOffset)
    }
}
