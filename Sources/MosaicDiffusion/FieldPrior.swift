import Foundation

/// The prior of the built-in model `mosaic-field`: four independent stationary Gaussian random
/// fields over the latent grid, one per channel.
///
/// Channel `c` has mean `mean[c]` and power spectral density
/// `P_c(f) = variance[c] * (f^2 + cutoff[c]^2)^(-slope[c]/2) / Z_c`, where `f` is the anisotropic
/// frequency `sqrt((fx/ax)^2 + (fy/ay)^2)` in cycles per latent pixel and `Z_c` normalises the
/// spectrum so the per-pixel variance is about `variance[c]`. Channel 0 drives lightness, 1 and 2
/// the two opponent colour axes, 3 the hue twist and texture (see `FieldDecoder`).
/// The mapping from prompts is in `FieldPrior+Prompt.swift`.
public struct FieldPrior: Sendable, Equatable, Codable {
    /// Per-channel means.
    public var mean: [Float]
    /// Per-channel pixel variances.
    public var variance: [Float]
    /// Per-channel spectral slopes (larger is smoother).
    public var slope: [Float]
    /// Per-channel cutoff frequencies in cycles per latent pixel (smaller is larger features).
    public var cutoff: [Float]
    /// Frequency stretch along x (below 1: features elongated horizontally).
    public var anisotropyX: Float
    /// Frequency stretch along y (below 1: features elongated vertically).
    public var anisotropyY: Float

    /// The number of latent channels.
    public static let channels = 4

    /// The unconditional prior (the empty prompt's, before any hash jitter).
    public static let base = FieldPrior(
        mean: [0, 0, 0, 0], variance: [1, 1, 1, 1], slope: [3.0, 3.2, 3.2, 2.8],
        cutoff: [1.0 / 48, 1.0 / 64, 1.0 / 64, 1.0 / 40], anisotropyX: 1, anisotropyY: 1)

    /// Creates a prior from its parameters.
    public init(
        mean: [Float], variance: [Float], slope: [Float], cutoff: [Float],
        anisotropyX: Float, anisotropyY: Float
    ) {
        self.mean = mean
        self.variance = variance
        self.slope = slope
        self.cutoff = cutoff
        self.anisotropyX = anisotropyX
        self.anisotropyY = anisotropyY
    }

    /// The spectral density of channel `c` at frequency `(fx, fy)`, without normalisation.
    func shape(channel c: Int, fx: Double, fy: Double) -> Double {
        let u = fx / Double(anisotropyX)
        let v = fy / Double(anisotropyY)
        let f0 = Double(cutoff[c])
        return pow(u * u + v * v + f0 * f0, -Double(slope[c]) / 2)
    }

    /// The normalised densities of every channel on the orthonormal DCT grid of a `height x width`
    /// tile: entry `[c][ky * width + kx]` is the prior variance of that DCT coefficient.
    /// `normalisers` are `normaliser(channel:)` for every channel (computed once by callers).
    public func dctVariances(height: Int, width: Int, normalisers: [Double]) -> [[Float]] {
        (0..<Self.channels).map { c in
            let z = normalisers[c]
            var out = [Float](repeating: 0, count: height * width)
            for ky in 0..<height {
                let fy = Double(ky) / Double(2 * height)
                for kx in 0..<width {
                    let fx = Double(kx) / Double(2 * width)
                    out[ky * width + kx] = Float(Double(variance[c]) * shape(channel: c, fx: fx, fy: fy) / z)
                }
            }
            return out
        }
    }

    /// `Z_c`: the integral of the unnormalised density over `[-1/2, 1/2]^2` (midpoint rule).
    public func normaliser(channel c: Int) -> Double {
        let n = 256
        var sum = 0.0
        for i in 0..<n {
            let fy = (Double(i) + 0.5) / Double(2 * n)
            for j in 0..<n {
                sum += shape(channel: c, fx: (Double(j) + 0.5) / Double(2 * n), fy: fy)
            }
        }
        // Four quadrants, each cell (1/2n)^2.
        return 4 * sum / Double(4 * n * n)
    }
}
