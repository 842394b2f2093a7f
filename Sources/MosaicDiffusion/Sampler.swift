/// A diffusion sampler (a diffusers scheduler) that denoises the whole latent canvas in place.
///
/// The model is evaluated elsewhere (in tiles, between calls), always predicting epsilon. A
/// render drives a sampler like a diffusers pipeline drives its scheduler:
///
/// ```swift
/// var sampler = try SamplerKind.euler.makeSampler(steps: 30)
/// // latents = N(0, 1) noise * Float(sampler.initNoiseSigma)
/// for i in 0..<sampler.stepCount {
///     // model input = latents * sampler.modelInputScale(step: i), at timestep sampler.timesteps[i]
///     try sampler.step(modelOutput: eps, sample: latents, step: i, noise: &generator)
/// }
/// ```
///
/// Steps must run in order, each once. Everything a step needs from earlier steps lives in
/// ``history``, so saving it with a checkpoint and assigning it to a freshly made sampler of
/// the same kind, step count and configuration continues the run bit for bit.
public protocol Sampler: Sendable {
    /// Which sampler this is.
    var kind: SamplerKind { get }
    /// Number of inference steps (model evaluations).
    var stepCount: Int { get }
    /// The schedule configuration the sampler was built with.
    var config: NoiseScheduleConfig { get }
    /// The timestep passed to the model at each step, as diffusers' `scheduler.timesteps`.
    var timesteps: [Double] { get }
    /// The k-diffusion noise level `sqrt((1 - ᾱ) / ᾱ)` at each step boundary; `stepCount + 1`
    /// values. `sigmas[i]` is the noise level of the model input at step `i`, and
    /// `sigmas[stepCount]` that of the final output (0, except for DDIM, which with
    /// `set_alpha_to_one=False` ends at the noise level of ᾱ_0).
    var sigmas: [Double] { get }
    /// Scale for the initial N(0, 1) noise (diffusers' `init_noise_sigma`).
    var initNoiseSigma: Double { get }
    /// Everything carried between steps; see ``SamplerHistory``.
    var history: SamplerHistory { get set }

    /// The factor diffusers' `scale_model_input` applies to the sample before the model sees
    /// it at `step` (`0..<stepCount`): `1 / sqrt(sigma² + 1)` for the Euler samplers, 1 for
    /// DDIM and DPM-Solver++. Like an array subscript, it traps for a `step` outside the
    /// schedule.
    func modelInputScale(step: Int) -> Float

    /// The "DDPM form" of the noise level at `step`: ᾱ = `1 / (1 + sigmas[step]²)`, so that the
    /// model input at `step` is distributed like `sqrt(ᾱ) x0 + sqrt(1 - ᾱ) ε` after
    /// ``modelInputScale(step:)`` is applied. `step` may be `0...stepCount`; `stepCount` gives
    /// the noise level of the final output (it traps for other values, like an array
    /// subscript). For DDIM it is exactly diffusers' `alphas_cumprod` entry.
    func alphaCumprod(step: Int) -> Double

    /// diffusers' `scheduler.add_noise(original, noise, timesteps[step])` after
    /// `set_begin_index(step)`, as image-to-image starts: `sample` holds the encoded latent and
    /// becomes that latent noised to the level of `step`. DDIM mixes with ᾱ, DPM-Solver++ with
    /// its alpha and sigma, the Euler samplers add `sigma * noise`.
    ///
    /// - Throws: ``SamplerError/stepOutOfRange(step:stepCount:)`` or
    ///   ``SamplerError/bufferSizeMismatch(modelOutput:sample:)`` (`noise` counted as the model output).
    func addNoise(
        to sample: UnsafeMutableBufferPointer<Float>, noise: UnsafeBufferPointer<Float>, step: Int
    ) throws(SamplerError)

    /// Advances `sample` (the whole latent canvas, flat) in place from step `step` to the
    /// next, given the model's epsilon prediction `modelOutput` for the scaled sample.
    ///
    /// Stochastic samplers draw the noise for the whole buffer with one
    /// `noise.fillNormal` call per step; the others never touch `noise`.
    ///
    /// - Throws: ``SamplerError/stepOutOfRange(step:stepCount:)``,
    ///   ``SamplerError/stepOutOfOrder(expected:got:)``,
    ///   ``SamplerError/bufferSizeMismatch(modelOutput:sample:)`` or
    ///   ``SamplerError/historyMismatch(reason:)``; `sample` and the history are unchanged then.
    mutating func step(
        modelOutput: UnsafeBufferPointer<Float>,
        sample: UnsafeMutableBufferPointer<Float>,
        step: Int,
        noise: inout some NoiseSource
    ) throws(SamplerError)
}

extension Sampler {
    /// The index of the next step to run; equals ``stepCount`` once sampling has finished.
    public var nextStep: Int { history.nextStep }

    /// Whether every step has run.
    public var isFinished: Bool { history.nextStep >= stepCount }

    /// Starts a fresh sampler at `step` instead of 0, as diffusers' `set_begin_index(step)`
    /// does for image-to-image: the first ``step(modelOutput:sample:step:noise:)`` is then at
    /// `step`, and a multistep sampler's first step there is first order.
    ///
    /// - Throws: ``SamplerError/stepOutOfRange(step:stepCount:)``, or
    ///   ``SamplerError/historyMismatch(reason:)`` when a step has already run.
    public mutating func begin(at step: Int) throws(SamplerError) {
        guard (0..<stepCount).contains(step) else { throw .stepOutOfRange(step: step, stepCount: stepCount) }
        guard history.nextStep == history.beginStep, history.lowerOrderNums == 0 else {
            throw .historyMismatch(reason: "cannot begin at step \(step) after step \(history.nextStep - 1) has run")
        }
        history.nextStep = step
        history.beginStep = step
    }

    /// Checks `addNoise`'s arguments.
    func validateAddNoise(sampleCount: Int, noiseCount: Int, step: Int) throws(SamplerError) {
        guard (0..<stepCount).contains(step) else { throw .stepOutOfRange(step: step, stepCount: stepCount) }
        guard sampleCount == noiseCount else {
            throw .bufferSizeMismatch(modelOutput: noiseCount, sample: sampleCount)
        }
    }

    /// Default: `1 / (1 + sigma²)` of ``sigmas``[step].
    public func alphaCumprod(step: Int) -> Double {
        let sigma = sigmas[step]
        return 1 / (1 + sigma * sigma)
    }
}
