// Euler ancestral (k-diffusion "sample_euler_ancestral", eta 1).
//
// Matches diffusers 0.42.1 `EulerAncestralDiscreteScheduler`
// (`src/diffusers/schedulers/scheduling_euler_ancestral_discrete.py`) with SD 1.5's config
// (scaled_linear, "leading" spacing, steps_offset 1, prediction_type "epsilon"). Every step,
// including the last (where sigma_up is 0), draws noise for the whole sample with one
// NoiseSource.fillNormal call, as diffusers calls randn_tensor(model_output.shape,
// generator=...) once per step. Scalars and per-element arithmetic are float32 in diffusers'
// order; with a torch-exact generator the trajectory agrees with torch on x86 CPU to about
// 1e-7 relative, the difference coming from torch's MKL float32 sqrt (not always correctly
// rounded; this uses IEEE sqrt).
//
// Limitations: v prediction and rescale_betas_zero_snr are not implemented. The generator's
// state is not part of SamplerHistory; checkpoint it alongside.

/// Euler ancestral sampler, matching diffusers' `EulerAncestralDiscreteScheduler`.
public struct EulerAncestralSampler: Sampler {
    /// Always ``SamplerKind/eulerAncestral``.
    public var kind: SamplerKind { .eulerAncestral }
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
    /// State carried between steps (only the step index; the noise source keeps its own).
    public var history: SamplerHistory

    /// The float32 sigmas the step arithmetic uses.
    private let sigmas32: [Float]
    /// Reused buffer for each step's noise, so steps do not allocate.
    private var noiseBuffer: [Float] = []

    /// Builds an Euler ancestral sampler with `steps` inference steps over `schedule`.
    ///
    /// - Throws: as ``EulerSampler/init(steps:schedule:)``.
    public init(steps: Int, schedule: NoiseSchedule) throws(SamplerError) {
        let (ts, sig, initSigma) = try EulerSampler.kDiffusionSchedule(
            kind: .eulerAncestral, steps: steps, schedule: schedule)
        stepCount = steps
        self.config = schedule.config
        timesteps = ts
        sigmas32 = sig
        sigmas = sig.map(Double.init)
        initNoiseSigma = initSigma
        history = SamplerHistory(kind: .eulerAncestral, stepCount: steps, config: schedule.config)
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

    /// One ancestral step: an Euler step down to sigma_down, then fresh noise of size sigma_up.
    public mutating func step(
        modelOutput: UnsafeBufferPointer<Float>,
        sample: UnsafeMutableBufferPointer<Float>,
        step: Int,
        noise: inout some NoiseSource
    ) throws(SamplerError) {
        try history.validateStep(
            kind: kind, stepCount: stepCount, config: config, step: step,
            modelOutputCount: modelOutput.count, sampleCount: sample.count)
        let sigmaFrom = sigmas32[step]
        let sigmaTo = sigmas32[step + 1]
        let sigmaFrom2 = sigmaFrom * sigmaFrom
        let sigmaTo2 = sigmaTo * sigmaTo
        let sigmaUp = (sigmaTo2 * (sigmaFrom2 - sigmaTo2) / sigmaFrom2).squareRoot()
        let sigmaDown = (sigmaTo2 - sigmaUp * sigmaUp).squareRoot()
        let dt = sigmaDown - sigmaFrom
        let count = sample.count
        if noiseBuffer.count != count {
            noiseBuffer = [Float](repeating: 0, count: count)
        }
        noiseBuffer.withUnsafeMutableBufferPointer { z in
            noise.fillNormal(z)
            guard let x = sample.baseAddress, let eps = modelOutput.baseAddress, let z = z.baseAddress else { return }
            for i in 0..<count {
                let s = x[i]
                let predOriginal = s - sigmaFrom * eps[i]
                let derivative = (s - predOriginal) / sigmaFrom
                x[i] = (s + derivative * dt) + z[i] * sigmaUp
            }
        }
        history.nextStep = step + 1
    }
}
