/// The samplers Mosaic offers; raw values are the names used in parameters and checkpoints.
public enum SamplerKind: String, CaseIterable, Sendable, Codable {
    /// DDIM with eta 0 (diffusers' `DDIMScheduler`).
    case ddim
    /// Euler (diffusers' `EulerDiscreteScheduler`).
    case euler
    /// Euler ancestral (diffusers' `EulerAncestralDiscreteScheduler`); draws noise each step.
    case eulerAncestral = "euler_a"
    /// DPM-Solver++ 2M (diffusers' `DPMSolverMultistepScheduler`).
    case dpmpp2m = "dpmpp_2m"
    /// DPM-Solver++ 2M with Karras sigmas (`use_karras_sigmas=True`).
    case dpmpp2mKarras = "dpmpp_2m_karras"

    /// Builds this kind's sampler for `steps` inference steps over the schedule `config`.
    ///
    /// - Throws: ``SamplerError/invalidConfig(reason:)`` for an unusable configuration,
    ///   ``SamplerError/invalidStepCount(steps:valid:)`` unless `steps` is in
    ///   `1...config.numTrainTimesteps`, and ``SamplerError/unsupportedSchedule(kind:steps:reason:)``
    ///   for the few counts diffusers itself cannot run (for example DDIM with 1000 "leading"
    ///   steps indexes past the schedule).
    public func makeSampler(
        steps: Int, config: NoiseScheduleConfig = .stableDiffusion15
    ) throws(SamplerError) -> any Sampler {
        let schedule = try NoiseSchedule(config: config)
        switch self {
        case .ddim:
            return try DDIMSampler(steps: steps, schedule: schedule)
        case .euler:
            return try EulerSampler(steps: steps, schedule: schedule)
        case .eulerAncestral:
            return try EulerAncestralSampler(steps: steps, schedule: schedule)
        case .dpmpp2m:
            return try DPMSolverMultistepSampler(steps: steps, schedule: schedule, useKarrasSigmas: false)
        case .dpmpp2mKarras:
            return try DPMSolverMultistepSampler(steps: steps, schedule: schedule, useKarrasSigmas: true)
        }
    }
}
