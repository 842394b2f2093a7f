import Foundation
import MosaicTensor
import Synchronization

/// The exact denoiser of `mosaic-field` on one tile, with classifier-free guidance.
///
/// On a tile, each channel's prior is diagonal in the orthonormal 2-D DCT basis, with the
/// coefficient variances `P(k)` of `FieldPrior.dctVariances`. The model input is
/// `u = a x0 + s eps` (`a = sqrt(alphaCumprod)`, `s = sqrt(1 - alphaCumprod)`), so `Z = DCT(u/a)`
/// is `DCT(x0) + sigma * white noise` and the posterior mean is, coefficient by coefficient,
/// `E[X0(k) | Z] = M(k) + P(k) / (P(k) + sigma^2) * (Z(k) - M(k))` (`M` is the DCT of the
/// constant mean: non-zero only at `k = 0`). The predicted noise is `(u/a - x0_hat) * a/s`.
/// Guidance mixes the conditional and unconditional predictions as diffusers does:
/// `eps = eps_u + g (eps_c - eps_u)`. Everything is linear in `u`, so one forward and one inverse
/// DCT per tile suffice, and the noise is computed from `Z - X0` directly (no cancellation near
/// the end of sampling).
public struct FieldDenoiser: TileDenoiser {
    /// The prior of the prompt.
    public let conditional: FieldPrior
    /// The prior of the negative prompt (the unconditional branch).
    public let unconditional: FieldPrior
    /// The classifier-free guidance scale.
    public let guidanceScale: Float

    private let normalisers: (conditional: [Double], unconditional: [Double])
    private let cache = MultiplierCache()

    /// Creates the denoiser of one render.
    public init(conditional: FieldPrior, unconditional: FieldPrior, guidanceScale: Float) {
        self.conditional = conditional
        self.unconditional = unconditional
        self.guidanceScale = guidanceScale
        normalisers = (
            (0..<FieldPrior.channels).map { conditional.normaliser(channel: $0) },
            (0..<FieldPrior.channels).map { unconditional.normaliser(channel: $0) }
        )
    }

    public func predictNoise(
        modelInput: UnsafeBufferPointer<Float>, tile: TileRect, level: NoiseLevel,
        output: UnsafeMutableBufferPointer<Float>
    ) throws {
        let h = tile.height
        let w = tile.width
        let channels = FieldPrior.channels
        let plane = h * w
        guard modelInput.count == channels * plane, output.count == channels * plane,
            let input = modelInput.baseAddress, let out = output.baseAddress
        else {
            throw FieldModelError.tileShapeMismatch(tile: tile, expected: channels * plane, actual: modelInput.count)
        }
        let entry = cache.multipliers(height: h, width: w, level: level) {
            makeMultipliers(height: h, width: w, level: level)
        }
        let dct = entry.dct
        let coefficients = UnsafeMutablePointer<Float>.allocate(capacity: 2 * channels * plane)
        defer { coefficients.deallocate() }
        let scratch = coefficients + channels * plane

        dct.forward(input, coefficients, channels: channels, scratch: scratch)
        entry.multipliers.withUnsafeBufferPointer { m in
            guard let mp = m.baseAddress else { return }
            VectorKernels.multiply(
                UnsafeBufferPointer(start: mp, count: channels * plane),
                UnsafeMutableBufferPointer(start: coefficients, count: channels * plane))
        }
        // The DC coefficient carries the means, which the multipliers cannot express.
        let root = Double(plane).squareRoot()
        let a = level.alphaCumprod.squareRoot()
        let sigma = level.sigma
        let sigma2 = sigma * sigma
        let g = Double(guidanceScale)
        for c in 0..<channels {
            let z0 = Double(coefficients[c * plane]) / a
            let pc = Double(entry.dcVariances.conditional[c])
            let pu = Double(entry.dcVariances.unconditional[c])
            let mc = root * Double(conditional.mean[c])
            let mu = root * Double(unconditional.mean[c])
            let x0c = mc + pc / (pc + sigma2) * (z0 - mc)
            let x0u = mu + pu / (pu + sigma2) * (z0 - mu)
            let x0 = x0u + g * (x0c - x0u)
            coefficients[c * plane] = Float((z0 - x0) / sigma)
        }
        dct.inverse(coefficients, out, channels: channels, scratch: scratch)
    }

    /// Per-coefficient factors `m(k)` with `eps_hat = IDCT(m * DCT(u))` away from `k = 0`:
    /// `m = (1/(a sigma)) (sigma^2/(Pu + sigma^2) - g sigma^2 (Pc - Pu)/((Pc + sigma^2)(Pu + sigma^2)))`.
    /// Entry 0 of each plane holds the factor as well, so the DC term can recover `DCT(u)`.
    private func makeMultipliers(height: Int, width: Int, level: NoiseLevel) -> MultiplierCache.Entry {
        let pc = conditional.dctVariances(height: height, width: width, normalisers: normalisers.conditional)
        let pu = unconditional.dctVariances(height: height, width: width, normalisers: normalisers.unconditional)
        let a = level.alphaCumprod.squareRoot()
        let sigma = level.sigma
        let s2 = sigma * sigma
        let g = Double(guidanceScale)
        let plane = height * width
        var m = [Float](repeating: 0, count: FieldPrior.channels * plane)
        for c in 0..<FieldPrior.channels {
            for k in 0..<plane {
                let c2 = Double(pc[c][k]) + s2
                let u2 = Double(pu[c][k]) + s2
                let factor = (s2 / u2 - g * s2 * (Double(pc[c][k]) - Double(pu[c][k])) / (c2 * u2)) / (a * sigma)
                // Keep the DC factor invertible; its product is replaced anyway.
                m[c * plane + k] = k == 0 ? 1 : Float(factor)
            }
        }
        return MultiplierCache.Entry(
            dct: DCT2D(height: height, width: width), multipliers: m,
            dcVariances: (pc.map { $0[0] }, pu.map { $0[0] }))
    }
}

/// Multipliers per tile size for the current noise level; tiles of one step share them.
final class MultiplierCache: Sendable {
    struct Entry: Sendable {
        let dct: DCT2D
        let multipliers: [Float]
        let dcVariances: (conditional: [Float], unconditional: [Float])
    }
    private struct Key: Hashable { let height: Int, width: Int, timestep: Double, sigma: Double }
    private let entries = Mutex<[Key: Entry]>([:])

    func multipliers(height: Int, width: Int, level: NoiseLevel, make: () -> Entry) -> Entry {
        let key = Key(height: height, width: width, timestep: level.timestep, sigma: level.sigma)
        if let hit = entries.withLock({ $0[key] }) { return hit }
        let entry = make()
        entries.withLock { table in
            // Older noise levels are never asked for again.
            table = table.filter { $0.key.sigma == level.sigma }
            table[key] = entry
        }
        return entry
    }
}

/// Errors of the built-in model.
public enum FieldModelError: Error, CustomStringConvertible {
    /// A tile buffer does not hold `channels x height x width` values.
    case tileShapeMismatch(tile: TileRect, expected: Int, actual: Int)
    /// The RGB buffer does not match the latent canvas.
    case imageShapeMismatch(expected: Int, actual: Int)

    public var description: String {
        switch self {
        case .tileShapeMismatch(let tile, let expected, let actual):
            return "tile \(tile) needs \(expected) values, got \(actual)"
        case .imageShapeMismatch(let expected, let actual):
            return "the RGB buffer needs \(expected) bytes, got \(actual)"
        }
    }
}
