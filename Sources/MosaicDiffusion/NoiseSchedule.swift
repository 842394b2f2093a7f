import Foundation

/// The training noise schedule: betas, alphas and their cumulative product, in float32
/// exactly as diffusers builds them (`DDIMScheduler.__init__` and siblings, diffusers 0.42.1
/// `src/diffusers/schedulers/scheduling_ddim.py`, with PyTorch 2.15.0 on CPU: `linspace` in
/// `aten/src/ATen/native/cpu/RangeFactoriesKernel.cpp`).
///
/// Bit-for-bit notes: torch's CPU `linspace` computes `start + step * i` (and `end - step *
/// (N - 1 - i)` for the second half) with a fused multiply-add in float32, which this
/// reproduces; `torch.cumprod` on CPU accumulates in float64 and rounds each entry to float32,
/// which this also does. `betas`, `alphas` and `alphasCumprod` match the `schedule.json`
/// fixture exactly; `trainSigmas` uses IEEE sqrt, while torch on x86 CPU uses MKL's, which is
/// not always correctly rounded (1 ulp apart in 190 of 1000 values on the fixture machine).
public struct NoiseSchedule: Sendable, Hashable {
    /// The configuration the schedule was built from.
    public let config: NoiseScheduleConfig
    /// Per-train-timestep betas (float32, as diffusers' `betas`).
    public let betas: [Float]
    /// `1 - betas` (float32, as diffusers' `alphas`).
    public let alphas: [Float]
    /// Cumulative product of ``alphas``, ᾱ_t (float32, as diffusers' `alphas_cumprod`).
    public let alphasCumprod: [Float]
    /// The k-diffusion noise level of each train timestep, `sqrt((1 - ᾱ_t) / ᾱ_t)`, computed in
    /// float32 as diffusers' `((1 - alphas_cumprod) / alphas_cumprod) ** 0.5`. Ascending in t.
    public let trainSigmas: [Float]

    /// Builds the schedule for `config`.
    ///
    /// - Throws: ``SamplerError/invalidConfig(reason:)`` when `config` is unusable.
    public init(config: NoiseScheduleConfig = .stableDiffusion15) throws(SamplerError) {
        try config.validate()
        self.config = config
        let n = config.numTrainTimesteps
        switch config.betaSchedule {
        case .linear:
            betas = Self.torchLinspace(config.betaStart, config.betaEnd, count: n)
        case .scaledLinear:
            // Python's `beta_start ** 0.5` is C pow(x, 0.5), not sqrt; keep the same call.
            betas = Self.torchLinspace(pow(config.betaStart, 0.5), pow(config.betaEnd, 0.5), count: n)
                .map { $0 * $0 }
        }
        alphas = betas.map { 1 - $0 }
        var cumprod = [Float](repeating: 0, count: n)
        var accumulator = 1.0  // torch's CPU cumprod accumulates in double
        for t in 0..<n {
            accumulator *= Double(alphas[t])
            cumprod[t] = Float(accumulator)
        }
        alphasCumprod = cumprod
        trainSigmas = cumprod.map { ((1 - $0) / $0).squareRoot() }
    }

    /// `torch.linspace(start, end, count, dtype=torch.float32)` on CPU.
    static func torchLinspace(_ start: Double, _ end: Double, count: Int) -> [Float] {
        let start = Float(start)
        let end = Float(end)
        guard count > 1 else { return count == 1 ? [start] : [] }
        let step = (end - start) / Float(count - 1)
        let halfway = count / 2
        return (0..<count).map { i in
            // Each half is anchored at its own end, with a single rounding (FMA) as torch does.
            i < halfway
                ? start.addingProduct(step, Float(i))
                : end.addingProduct(-step, Float(count - 1 - i))
        }
    }
}
