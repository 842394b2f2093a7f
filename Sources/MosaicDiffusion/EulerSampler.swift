// Euler (k-diffusion "sample_euler", no churn).
//
// Matches diffusers 0.42.1 `EulerDiscreteScheduler`
// (`src/diffusers/schedulers/scheduling_euler_discrete.py`) with SD 1.5's config (scaled_linear,
// "leading" spacing, steps_offset 1, prediction_type "epsilon") and its defaults otherwise:
// interpolation_type "linear", no Karras/exponential/beta sigmas, final_sigmas_type "zero",
// timestep_type "discrete", s_churn 0 (so no noise is drawn). Scalars and per-element arithmetic
// are float32 in diffusers' order of operations; the only differences from torch on x86 CPU come
// from its MKL float32 sqrt (not always correctly rounded; this uses IEEE sqrt), which moves some
// sigmas by 1 ulp: trajectories agree to about 1e-7 relative.
//
// Limitations: s_churn/s_tmin/s_tmax/s_noise, v/sample prediction, Karras or other sigma
// spacings, custom timesteps/sigmas and rescale_betas_zero_snr are not implemented. As in
// diffusers, "leading" spacing with stepCount near numTrainTimesteps yields a first timestep
// past the train range whose sigma is clamped to the last one (a zero-length first step).

/// Euler sampler, matching diffusers' `EulerDiscreteScheduler`.
public struct EulerSampler: Sampler {
    /// Always ``SamplerKind/euler``.
    public var kind: SamplerKind { .euler }
    /// Number of inference steps.
    public let stepCount: Int
    /// The schedule configuration the sampler was built with.
    public let config: NoiseScheduleConfig
    /// The timesteps the model is evaluated at (float32 values; fractional for "linspace").
    public let timesteps: [Double]
    /// diffusers' `sigmas` (float32 values), `stepCount + 1` of them, the last 0.
    public let sigmas: [Double]
    /// diffusers' `init_noise_sigma`: `sqrt(max sigma² + 1)` for "leading", else the max sigma.
    public let initNoiseSigma: Double
    /// State carried between steps (only the step index for Euler).
    public var history: SamplerHistory

    /// The float32 sigmas the step arithmetic uses.
    private let sigmas32: [Float]

    /// Builds an Euler sampler with `steps` inference steps over `schedule`.
    ///
    /// - Throws: ``SamplerError/invalidStepCount(steps:valid:)``, or
    ///   ``SamplerError/unsupportedSchedule(kind:steps:reason:)`` for the "trailing" counts
    ///   where diffusers' numpy arange yields one timestep too many.
    public init(steps: Int, schedule: NoiseSchedule) throws(SamplerError) {
        let (ts, sig, initSigma) = try Self.kDiffusionSchedule(kind: .euler, steps: steps, schedule: schedule)
        stepCount = steps
        self.config = schedule.config
        timesteps = ts
        sigmas32 = sig
        sigmas = sig.map(Double.init)
        initNoiseSigma = initSigma
        history = SamplerHistory(kind: .euler, stepCount: steps, config: schedule.config)
    }

    /// `set_timesteps` and `init_noise_sigma` shared by `EulerDiscreteScheduler` and
    /// `EulerAncestralDiscreteScheduler`: float32 timesteps, float32 sigmas interpolated
    /// linearly from the train sigmas (with a final 0), and the initial noise scale.
    static func kDiffusionSchedule(
        kind: SamplerKind, steps: Int, schedule: NoiseSchedule
    ) throws(SamplerError) -> (timesteps: [Double], sigmas: [Float], initNoiseSigma: Double) {
        let config = schedule.config
        let n = config.numTrainTimesteps
        guard (1...n).contains(steps) else { throw .invalidStepCount(steps: steps, valid: 1...n) }
        let ts: [Float]
        switch config.timestepSpacing {
        case .linspace:
            ts = NumPyCompat.linspace(0, Double(n - 1), steps).reversed().map { Float($0) }
        case .leading:
            let ratio = n / steps
            ts = (0..<steps).reversed().map { Float($0 * ratio) + Float(config.stepsOffset) }
        case .trailing:
            ts = NumPyCompat.arange(Double(n), 0, -(Double(n) / Double(steps)))
                .map { Float(NumPyCompat.round($0)) - 1 }
        }
        guard ts.count == steps else {
            throw .unsupportedSchedule(
                kind: kind, steps: steps,
                reason: "diffusers' \(config.timestepSpacing.rawValue) spacing yields \(ts.count) timesteps")
        }
        let sig = ts.map { Float(NumPyCompat.interpOverIndices(Double($0), schedule.trainSigmas)) } + [0]
        let maxSigma = sig.max() ?? 0
        let initSigma = config.timestepSpacing == .leading ? (maxSigma * maxSigma + 1).squareRoot() : maxSigma
        return (ts.map(Double.init), sig, Double(initSigma))
    }

    /// `1 / sqrt(sigma² + 1)`, diffusers' `scale_model_input` (which divides by the square root).
    public func modelInputScale(step: Int) -> Float {
        let sigma = sigmas32[step]
        return 1 / (sigma * sigma + 1).squareRoot()
    }

    /// `add_noise` after `set_begin_index(step)`: `x + noise * sigmas[step]` (float32).
    public func addNoise(
        to sample: UnsafeMutableBufferPointer<Float>, noise: UnsafeBufferPointer<Float>, step: Int
    ) throws(SamplerError) {
        try validateAddNoise(sampleCount: sample.count, noiseCount: noise.count, step: step)
        let sigma = sigmas32[step]
        for i in 0..<sample.count { sample[i] = sample[i] + noise[i] * sigma }
    }

    /// One Euler step from `sigmas[step]` to `sigmas[step + 1]`.
    public mutating func step(
        modelOutput: UnsafeBufferPointer<Float>,
        sample: UnsafeMutableBufferPointer<Float>,
        step: Int,
        noise: inout some NoiseSource
    ) throws(SamplerError) {
        try history.validateStep(
            kind: kind, stepCount: stepCount, config: config, step: step,
            modelOutputCount: modelOutput.count, sampleCount: sample.count)
        // gamma = 0, so sigma_hat = sigma * (0 + 1) = sigma.
        let sigma = sigmas32[step]
        let dt = sigmas32[step + 1] - sigma
        if let x = sample.baseAddress, let eps = modelOutput.baseAddress {
            for i in 0..<sample.count {
                let s = x[i]
                // Kept in diffusers' form (not simplified to s + eps * dt) so rounding matches.
                let predOriginal = s - sigma * eps[i]
                let derivative = (s - predOriginal) / sigma
                x[i] = s + derivative * dt
            }
        }
        history.nextStep = step + 1
    }
}
