// DDIM, deterministic (eta = 0).
//
// Matches diffusers 0.42.1 `DDIMScheduler` (`src/diffusers/schedulers/scheduling_ddim.py`)
// configured as SD 1.5 ships it (set_alpha_to_one=False, clip_sample=False, prediction_type
// "epsilon") and driven as StableDiffusionPipeline does (eta 0.0). alphas_cumprod and the timesteps
// are reproduced exactly; scalars and per-element arithmetic are float32 in diffusers' order of
// operations. torch on x86 CPU takes float32 sqrt from MKL (not always correctly rounded) where
// this uses IEEE sqrt, so trajectories agree to about 1e-6 relative rather than bit for bit.
//
// Limitations: eta > 0 (DDPM-like noise), clip_sample, thresholding, v/sample prediction and
// rescale_betas_zero_snr are not implemented. As in diffusers, the step target is always
// `t - numTrainTimesteps / stepCount`, which for "trailing"/"linspace" spacing is not always
// the next timestep; `sigmas[i + 1]` follows the model-input timesteps, not that target.

/// DDIM sampler (eta 0), matching diffusers' `DDIMScheduler`.
public struct DDIMSampler: Sampler {
    /// Always ``SamplerKind/ddim``.
    public var kind: SamplerKind { .ddim }
    /// Number of inference steps.
    public let stepCount: Int
    /// The schedule configuration the sampler was built with.
    public let config: NoiseScheduleConfig
    /// The integer train timesteps the model is evaluated at, descending.
    public let timesteps: [Double]
    /// Noise levels `sqrt((1 - ᾱ_t) / ᾱ_t)` of each step's ᾱ (float64 from the float32 ᾱ); the
    /// last is that of ᾱ_0 (`set_alpha_to_one=False`), not 0.
    public let sigmas: [Double]
    /// 1, as diffusers.
    public var initNoiseSigma: Double { 1 }
    /// State carried between steps (only the step index for DDIM).
    public var history: SamplerHistory

    /// ᾱ at each step's timestep, then ᾱ at the final target.
    private let alphaProducts: [Float]
    /// ᾱ at each step's target, `alphas_cumprod[t - N / steps]` or ᾱ_0 past the start.
    private let targetAlphaProducts: [Float]

    /// Builds a DDIM sampler with `steps` inference steps over `schedule`.
    ///
    /// - Throws: ``SamplerError/invalidStepCount(steps:valid:)``, or
    ///   ``SamplerError/unsupportedSchedule(kind:steps:reason:)`` when a timestep falls outside
    ///   the train range (1000 "leading" steps with steps_offset 1, where diffusers raises
    ///   IndexError) or numpy's arange yields one "trailing" timestep too many.
    public init(steps: Int, schedule: NoiseSchedule) throws(SamplerError) {
        let config = schedule.config
        let n = config.numTrainTimesteps
        guard (1...n).contains(steps) else { throw .invalidStepCount(steps: steps, valid: 1...n) }
        let ts = Self.makeTimesteps(steps: steps, config: config)
        guard ts.count == steps else {
            throw .unsupportedSchedule(
                kind: .ddim, steps: steps,
                reason: "diffusers' \(config.timestepSpacing.rawValue) spacing yields \(ts.count) timesteps")
        }
        if let bad = ts.first(where: { !(0..<n).contains($0) }) {
            throw .unsupportedSchedule(
                kind: .ddim, steps: steps, reason: "timestep \(bad) is outside the train range 0..<\(n)")
        }
        // diffusers' prev_timestep; before the start of the schedule it uses
        // final_alpha_cumprod, which is alphas_cumprod[0] with set_alpha_to_one=False.
        let stride = n / steps
        let target = ts.map { $0 - stride >= 0 ? schedule.alphasCumprod[$0 - stride] : schedule.alphasCumprod[0] }
        let products = ts.map { schedule.alphasCumprod[$0] } + [target[steps - 1]]
        stepCount = steps
        self.config = schedule.config
        timesteps = ts.map(Double.init)
        alphaProducts = products
        targetAlphaProducts = target
        sigmas = products.map { a in
            let a = Double(a)
            return ((1 - a) / a).squareRoot()
        }
        history = SamplerHistory(kind: .ddim, stepCount: steps, config: config)
    }

    /// `DDIMScheduler.set_timesteps`: integer timesteps, descending.
    static func makeTimesteps(steps: Int, config: NoiseScheduleConfig) -> [Int] {
        let n = config.numTrainTimesteps
        switch config.timestepSpacing {
        case .leading:
            let ratio = n / steps
            return (0..<steps).reversed().map { $0 * ratio + config.stepsOffset }
        case .trailing:
            let ratio = Double(n) / Double(steps)
            return NumPyCompat.arange(Double(n), 0, -ratio).map { Int(NumPyCompat.round($0)) - 1 }
        case .linspace:
            return NumPyCompat.linspace(0, Double(n - 1), steps).reversed().map { Int(NumPyCompat.round($0)) }
        }
    }

    /// 1: DDIM does not scale the model input.
    public func modelInputScale(step: Int) -> Float { 1 }

    /// Exactly diffusers' `alphas_cumprod` at `timesteps[step]`; for `step == stepCount`, the
    /// ᾱ the last step lands on.
    public func alphaCumprod(step: Int) -> Double { Double(alphaProducts[step]) }

    /// `DDIMScheduler.add_noise`: `sqrt(ᾱ_t) x + sqrt(1 - ᾱ_t) noise` with float32 scalars
    /// (`alphas_cumprod[t] ** 0.5`, `(1 - alphas_cumprod[t]) ** 0.5`).
    public func addNoise(
        to sample: UnsafeMutableBufferPointer<Float>, noise: UnsafeBufferPointer<Float>, step: Int
    ) throws(SamplerError) {
        try validateAddNoise(sampleCount: sample.count, noiseCount: noise.count, step: step)
        let alphaProd = alphaProducts[step]
        let sqrtAlphaProd = alphaProd.squareRoot()
        let sqrtOneMinusAlphaProd = (1 - alphaProd).squareRoot()
        for i in 0..<sample.count {
            sample[i] = sqrtAlphaProd * sample[i] + sqrtOneMinusAlphaProd * noise[i]
        }
    }

    /// One DDIM step (formula 12 of the DDIM paper with sigma_t = 0).
    public mutating func step(
        modelOutput: UnsafeBufferPointer<Float>,
        sample: UnsafeMutableBufferPointer<Float>,
        step: Int,
        noise: inout some NoiseSource
    ) throws(SamplerError) {
        try history.validateStep(
            kind: kind, stepCount: stepCount, config: config, step: step,
            modelOutputCount: modelOutput.count, sampleCount: sample.count)
        let alphaProdT = alphaProducts[step]
        let alphaProdTPrev = targetAlphaProducts[step]
        let betaProdT: Float = 1 - alphaProdT
        // Same float32 scalars as diffusers: beta_prod_t ** 0.5, alpha_prod_t ** 0.5, and
        // (1 - alpha_prod_t_prev - std_dev_t ** 2) ** 0.5 with std_dev_t = 0.
        let sqrtBetaProdT = betaProdT.squareRoot()
        let sqrtAlphaProdT = alphaProdT.squareRoot()
        let sqrtAlphaProdTPrev = alphaProdTPrev.squareRoot()
        let directionScale = ((1 - alphaProdTPrev) - 0).squareRoot()
        if let x = sample.baseAddress, let eps = modelOutput.baseAddress {
            for i in 0..<sample.count {
                let e = eps[i]
                let predOriginal = (x[i] - sqrtBetaProdT * e) / sqrtAlphaProdT
                x[i] = sqrtAlphaProdTPrev * predOriginal + directionScale * e
            }
        }
        history.nextStep = step + 1
    }
}
