import Foundation

// DPM-Solver++ 2M (multistep, second order, data prediction), optionally with Karras sigmas.
//
// Matches diffusers 0.42.1 `DPMSolverMultistepScheduler`
// (`src/diffusers/schedulers/scheduling_dpmsolver_multistep.py`) with SD 1.5's config
// (scaled_linear, "leading" spacing, steps_offset 1, prediction_type "epsilon") and algorithm_type
// "dpmsolver++", solver_order 2, solver_type "midpoint", lower_order_final True, final_sigmas_type
// "zero", use_karras_sigmas False (dpmpp_2m) or True (dpmpp_2m_karras), and diffusers' defaults
// otherwise (no thresholding, euler_at_final False, lambda_min_clipped -inf). The first step and
// the last step are first order (the last because the final sigma is zero); the others are second
// order.
//
// Precision: scalars and per-element arithmetic are float32 in diffusers' order. torch on x86
// CPU takes float32 sqrt from MKL and log/exp from SLEEF, which are not always correctly
// rounded, where this uses IEEE sqrt and the C library; so sigmas and step coefficients can
// differ in their last bit and trajectories agree with torch to about 1e-6 relative (see
// SamplerTests for the measured error).
//
// Limitations: solver_order 1/3, "heun", "dpmsolver"/SDE variants, v/sample/flow prediction,
// thresholding, exponential/beta/lu/flow sigmas and custom timesteps are not implemented.
// Counts diffusers cannot run (its sigmas repeat, which makes h = 0 and the step NaN: "leading"
// at 999 or 1000 steps; "trailing" counts where numpy's arange yields an extra timestep) throw.

/// DPM-Solver++ 2M sampler, matching diffusers' `DPMSolverMultistepScheduler`.
public struct DPMSolverMultistepSampler: Sampler {
    /// ``SamplerKind/dpmpp2mKarras`` with Karras sigmas, else ``SamplerKind/dpmpp2m``.
    public var kind: SamplerKind { useKarrasSigmas ? .dpmpp2mKarras : .dpmpp2m }
    /// Whether sigmas follow Karras et al.'s rho = 7 spacing (`use_karras_sigmas`).
    public let useKarrasSigmas: Bool
    /// Number of inference steps.
    public let stepCount: Int
    /// The schedule configuration the sampler was built with.
    public let config: NoiseScheduleConfig
    /// The integer timesteps the model is evaluated at.
    public let timesteps: [Double]
    /// diffusers' `sigmas` (float32 values), `stepCount + 1` of them, the last 0.
    public let sigmas: [Double]
    /// 1, as diffusers.
    public var initNoiseSigma: Double { 1 }
    /// The previous data prediction and diffusers' `lower_order_nums`.
    public var history: SamplerHistory

    /// The float32 sigmas the step arithmetic uses.
    private let sigmas32: [Float]

    /// Builds a DPM-Solver++ 2M sampler with `steps` inference steps over `schedule`.
    ///
    /// - Throws: ``SamplerError/invalidStepCount(steps:valid:)``, or
    ///   ``SamplerError/unsupportedSchedule(kind:steps:reason:)`` when diffusers' schedule for
    ///   this count has repeated sigmas or a wrong number of timesteps.
    public init(steps: Int, schedule: NoiseSchedule, useKarrasSigmas: Bool) throws(SamplerError) {
        let config = schedule.config
        let n = config.numTrainTimesteps
        let kind: SamplerKind = useKarrasSigmas ? .dpmpp2mKarras : .dpmpp2m
        guard (1...n).contains(steps) else { throw .invalidStepCount(steps: steps, valid: 1...n) }
        let ts: [Double]
        let sig: [Float]
        if useKarrasSigmas {
            (ts, sig) = Self.karrasSchedule(steps: steps, trainSigmas: schedule.trainSigmas)
        } else {
            ts = Self.makeTimesteps(steps: steps, config: config).map(Double.init)
            sig = ts.map { Float(NumPyCompat.interpOverIndices($0, schedule.trainSigmas)) }
        }
        guard ts.count == steps else {
            throw .unsupportedSchedule(
                kind: kind, steps: steps,
                reason: "diffusers' \(config.timestepSpacing.rawValue) spacing yields \(ts.count) timesteps")
        }
        if let i = (1..<max(steps, 1)).first(where: { !(sig[$0] < sig[$0 - 1]) }) {
            throw .unsupportedSchedule(
                kind: kind, steps: steps,
                reason:
                    "sigmas \(i - 1) and \(i) are not decreasing (timesteps \(ts[i - 1]), \(ts[i])); diffusers yields NaN"
            )
        }
        self.useKarrasSigmas = useKarrasSigmas
        stepCount = steps
        self.config = schedule.config
        timesteps = ts
        sigmas32 = sig + [0]  // final_sigmas_type "zero"
        sigmas = sigmas32.map(Double.init)
        history = SamplerHistory(kind: kind, stepCount: steps, config: config)
    }

    /// `set_timesteps` without Karras sigmas (`last_timestep` is numTrainTimesteps because
    /// lambda_min_clipped is -inf).
    static func makeTimesteps(steps: Int, config: NoiseScheduleConfig) -> [Int] {
        let n = config.numTrainTimesteps
        switch config.timestepSpacing {
        case .linspace:
            return NumPyCompat.linspace(0, Double(n - 1), steps + 1).reversed().dropLast()
                .map { Int(NumPyCompat.round($0)) }
        case .leading:
            let ratio = n / (steps + 1)
            return (1...steps).reversed().map { $0 * ratio + config.stepsOffset }
        case .trailing:
            return NumPyCompat.arange(Double(n), 0, -(Double(n) / Double(steps)))
                .map { Int(NumPyCompat.round($0)) - 1 }
        }
    }

    /// `_convert_to_karras` (rho = 7 between the smallest and largest train sigma, float64)
    /// and the timesteps `_sigma_to_t` maps them back to, rounded.
    static func karrasSchedule(steps: Int, trainSigmas: [Float]) -> (timesteps: [Double], sigmas: [Float]) {
        let rho = 7.0
        let sigmaMin = Double(trainSigmas[0])
        let sigmaMax = Double(trainSigmas[trainSigmas.count - 1])
        let minInvRho = pow(sigmaMin, 1 / rho)
        let maxInvRho = pow(sigmaMax, 1 / rho)
        let ramp = NumPyCompat.linspace(0, 1, steps)
        let sigmas = ramp.map { pow(maxInvRho + $0 * (minInvRho - maxInvRho), rho) }
        let logSigmas = trainSigmas.map { log($0) }  // np.log of a float32 array stays float32
        let ts = sigmas.map { NumPyCompat.round(sigmaToT($0, logSigmas: logSigmas)) }
        return (ts, sigmas.map { Float($0) })
    }

    /// `_sigma_to_t`: the fractional train timestep whose log sigma interpolates to `sigma`.
    static func sigmaToT(_ sigma: Double, logSigmas: [Float]) -> Double {
        let logSigma = log(max(sigma, 1e-10))
        // Last index whose log sigma is <= logSigma (numpy's cumsum/argmax; 0 when none).
        var low = 0
        for j in logSigmas.indices where logSigma - Double(logSigmas[j]) >= 0 { low = j }
        low = min(low, logSigmas.count - 2)
        let lowValue = Double(logSigmas[low])
        let highValue = Double(logSigmas[low + 1])
        let w = min(max((lowValue - logSigma) / (lowValue - highValue), 0), 1)
        return (1 - w) * Double(low) + w * Double(low + 1)
    }

    /// 1: DPM-Solver++ does not scale the model input.
    public func modelInputScale(step: Int) -> Float { 1 }

    /// `_sigma_to_alpha_sigma_t` in float32: alpha_t = 1 / sqrt(sigma² + 1), sigma_t = sigma alpha_t.
    private static func alphaSigma(_ sigma: Float) -> (alpha: Float, sigma: Float) {
        let alpha = 1 / (sigma * sigma + 1).squareRoot()
        return (alpha, sigma * alpha)
    }

    /// lambda = log(alpha_t) - log(sigma_t); +inf at sigma 0, as in torch.
    private static func lambda(_ alphaSigma: (alpha: Float, sigma: Float)) -> Float {
        log(alphaSigma.alpha) - log(alphaSigma.sigma)
    }

    /// `add_noise` after `set_begin_index(step)`: `alpha_t x + sigma_t noise` at `sigmas[step]`
    /// (`_sigma_to_alpha_sigma_t`, float32).
    public func addNoise(
        to sample: UnsafeMutableBufferPointer<Float>, noise: UnsafeBufferPointer<Float>, step: Int
    ) throws(SamplerError) {
        try validateAddNoise(sampleCount: sample.count, noiseCount: noise.count, step: step)
        let level = Self.alphaSigma(sigmas32[step])
        for i in 0..<sample.count { sample[i] = level.alpha * sample[i] + level.sigma * noise[i] }
    }

    /// One multistep update: converts the epsilon prediction to x0, then a first order
    /// (first and last step) or second order midpoint DPM-Solver++ update.
    public mutating func step(
        modelOutput: UnsafeBufferPointer<Float>,
        sample: UnsafeMutableBufferPointer<Float>,
        step: Int,
        noise: inout some NoiseSource
    ) throws(SamplerError) {
        try history.validateStep(
            kind: kind, stepCount: stepCount, config: config, step: step,
            modelOutputCount: modelOutput.count, sampleCount: sample.count)
        let lowerOrderNums = history.lowerOrderNums
        // diffusers counts lower-order steps from the begin index (image-to-image starts later).
        let expectedOrderNums = min(step - history.beginStep, 2)
        guard lowerOrderNums == expectedOrderNums else {
            throw .historyMismatch(
                reason: "lowerOrderNums is \(lowerOrderNums) at step \(step), expected \(expectedOrderNums)")
        }
        let count = sample.count
        // lower_order_final: the final sigma is zero, so the last step is always first order.
        let secondOrder = lowerOrderNums >= 1 && step != stepCount - 1
        if secondOrder && history.previousDenoised.count != count {
            throw .historyMismatch(
                reason: "previous x0 prediction has \(history.previousDenoised.count) values, sample has \(count)")
        }

        let t = Self.alphaSigma(sigmas32[step + 1])
        let s0 = Self.alphaSigma(sigmas32[step])
        let lambdaT = Self.lambda(t)
        let lambdaS0 = Self.lambda(s0)
        let h = lambdaT - lambdaS0
        let sampleScale = t.sigma / s0.sigma
        let x0Scale = t.alpha * (exp(-h) - 1)
        var correctionScale: Float = 0
        var r0Inverse: Float = 0
        if secondOrder {
            let lambdaS1 = Self.lambda(Self.alphaSigma(sigmas32[step - 1]))
            let r0 = (lambdaS0 - lambdaS1) / h
            r0Inverse = 1 / r0
            correctionScale = 0.5 * x0Scale
        }
        let s0Alpha = s0.alpha
        let s0Sigma = s0.sigma

        if history.previousDenoised.count != count {
            history.previousDenoised = [Float](repeating: 0, count: count)
        }
        history.previousDenoised.withUnsafeMutableBufferPointer { previous in
            guard let x = sample.baseAddress, let eps = modelOutput.baseAddress, let m1 = previous.baseAddress
            else { return }
            if secondOrder {
                for i in 0..<count {
                    let s = x[i]
                    let m0 = (s - s0Sigma * eps[i]) / s0Alpha  // convert_model_output
                    let d1 = r0Inverse * (m0 - m1[i])
                    x[i] = (sampleScale * s - x0Scale * m0) - correctionScale * d1
                    m1[i] = m0
                }
            } else {
                for i in 0..<count {
                    let s = x[i]
                    let m0 = (s - s0Sigma * eps[i]) / s0Alpha
                    x[i] = sampleScale * s - x0Scale * m0
                    m1[i] = m0
                }
            }
        }
        history.lowerOrderNums = min(lowerOrderNums + 1, 2)
        history.nextStep = step + 1
    }
}
