import Foundation

/// Sinusoidal timestep embeddings, as diffusers' `get_timestep_embedding` (float32 arithmetic
/// in the same order, so values agree to rounding).
///
/// Reference: diffusers 0.42.1 `src/diffusers/models/embeddings.py`.
public enum SinusoidalTimestepEmbedding {
    /// `[timesteps.count, dimension]`: `exp(-ln(maxPeriod) * i / (half - downscaleFreqShift)) * t * scale`
    /// through `sin` then `cos` (`cos` first when `flipSinToCos`), zero-padded for odd dimensions.
    public static func embed(
        _ timesteps: [Float], dimension: Int, flipSinToCos: Bool, downscaleFreqShift: Float,
        scale: Float = 1, maxPeriod: Float = 10_000
    ) -> [Float] {
        let half = dimension / 2
        var frequencies = [Float](repeating: 0, count: half)
        let logPeriod = Float(-Foundation.log(Double(maxPeriod)))
        for i in 0..<half {
            let exponent = logPeriod * Float(i) / (Float(half) - downscaleFreqShift)
            frequencies[i] = Foundation.exp(exponent)
        }
        var out = [Float](repeating: 0, count: timesteps.count * dimension)
        for (row, t) in timesteps.enumerated() {
            let base = row * dimension
            for i in 0..<half {
                let argument = scale * (t * frequencies[i])
                let s = Foundation.sin(argument)
                let c = Foundation.cos(argument)
                out[base + i] = flipSinToCos ? c : s
                out[base + half + i] = flipSinToCos ? s : c
            }
        }
        return out
    }
}
