/// The training noise schedule and timestep placement shared by every sampler.
///
/// The defaults are Stable Diffusion 1.5's `scheduler_config.json`: 1000 train timesteps,
/// `scaled_linear` betas from 0.00085 to 0.012, `timestep_spacing` "leading" and
/// `steps_offset` 1. Field names mirror diffusers' scheduler config keys.
public struct NoiseScheduleConfig: Sendable, Codable, Hashable {
    /// How betas are spread between ``betaStart`` and ``betaEnd`` (diffusers' `beta_schedule`).
    public enum BetaSchedule: String, Sendable, Codable, Hashable, CaseIterable {
        /// `linspace(betaStart, betaEnd, N)`.
        case linear
        /// `linspace(sqrt(betaStart), sqrt(betaEnd), N)^2`, used by latent diffusion models.
        case scaledLinear = "scaled_linear"
    }

    /// Where the inference timesteps sit among the train timesteps (diffusers'
    /// `timestep_spacing`; see table 2 of "Common Diffusion Noise Schedules and Sample Steps
    /// are Flawed", arXiv 2305.08891).
    public enum TimestepSpacing: String, Sendable, Codable, Hashable, CaseIterable {
        /// Multiples of `N / steps` counted from 0, plus ``NoiseScheduleConfig/stepsOffset``.
        case leading
        /// Multiples of `N / steps` counted down from the last train timestep.
        case trailing
        /// Evenly spread over the whole train range, both ends included.
        case linspace
    }

    /// Number of diffusion steps the model was trained with (`num_train_timesteps`).
    public var numTrainTimesteps: Int
    /// First beta of the schedule (`beta_start`).
    public var betaStart: Double
    /// Last beta of the schedule (`beta_end`).
    public var betaEnd: Double
    /// How betas are interpolated (`beta_schedule`).
    public var betaSchedule: BetaSchedule
    /// How inference timesteps are placed (`timestep_spacing`).
    public var timestepSpacing: TimestepSpacing
    /// Offset added to "leading" timesteps (`steps_offset`); other spacings ignore it, as
    /// diffusers does.
    public var stepsOffset: Int

    /// Creates a configuration; every default is SD 1.5's.
    public init(
        numTrainTimesteps: Int = 1000,
        betaStart: Double = 0.00085,
        betaEnd: Double = 0.012,
        betaSchedule: BetaSchedule = .scaledLinear,
        timestepSpacing: TimestepSpacing = .leading,
        stepsOffset: Int = 1
    ) {
        self.numTrainTimesteps = numTrainTimesteps
        self.betaStart = betaStart
        self.betaEnd = betaEnd
        self.betaSchedule = betaSchedule
        self.timestepSpacing = timestepSpacing
        self.stepsOffset = stepsOffset
    }

    /// Stable Diffusion 1.5's scheduler configuration.
    public static let stableDiffusion15 = NoiseScheduleConfig()

    /// Checks the values a schedule can be built from.
    func validate() throws(SamplerError) {
        guard numTrainTimesteps >= 2 else {
            throw .invalidConfig(reason: "numTrainTimesteps must be at least 2, got \(numTrainTimesteps)")
        }
        guard betaStart.isFinite, betaEnd.isFinite, betaStart > 0, betaEnd > 0, betaStart < 1, betaEnd < 1 else {
            throw .invalidConfig(reason: "betaStart and betaEnd must lie in (0, 1), got \(betaStart) and \(betaEnd)")
        }
        guard stepsOffset >= 0 else {
            throw .invalidConfig(reason: "stepsOffset must not be negative, got \(stepsOffset)")
        }
    }
}
