import Foundation
import MosaicTestSupport
import Testing

@testable import MosaicDiffusion

/// Solves `A x = b` by Gaussian elimination with partial pivoting (double precision).
func solve(_ a: [[Double]], _ b: [Double]) -> [Double] {
    var a = a
    var b = b
    let n = b.count
    for col in 0..<n {
        let pivot = (col..<n).max { abs(a[$0][col]) < abs(a[$1][col]) } ?? col
        a.swapAt(col, pivot)
        b.swapAt(col, pivot)
        for row in (col + 1)..<n {
            let f = a[row][col] / a[col][col]
            for k in col..<n { a[row][k] -= f * a[col][k] }
            b[row] -= f * b[col]
        }
    }
    var x = [Double](repeating: 0, count: n)
    for row in stride(from: n - 1, through: 0, by: -1) {
        var s = b[row]
        for k in (row + 1)..<n { s -= a[row][k] * x[k] }
        x[row] = s / a[row][row]
    }
    return x
}

@Suite struct FieldDenoiserTests {
    /// The posterior mean computed the slow way: pixel-domain covariance C = B^T diag(P) B,
    /// x0 = mu + C (C + sigma^2 I)^-1 (u/a - mu), then guidance and eps = (u - a x0) / s.
    func naiveNoise(
        conditional: FieldPrior, unconditional: FieldPrior, guidance: Double,
        input: [Float], height h: Int, width w: Int, level: NoiseLevel
    ) -> [Float] {
        let n = h * w
        let a = level.alphaCumprod.squareRoot()
        let s = (1 - level.alphaCumprod).squareRoot()
        let s2 = level.sigma * level.sigma
        func basis(_ k: Int, _ i: Int, _ size: Int) -> Double {
            (k == 0 ? (1 / Double(size)).squareRoot() : (2 / Double(size)).squareRoot())
                * cos(Double.pi * Double(2 * i + 1) * Double(k) / Double(2 * size))
        }
        // B[k][p] for k = (ky, kx), p = (y, x).
        let b: [[Double]] = (0..<n).map { k in (0..<n).map { p in basis(k / w, p / w, h) * basis(k % w, p % w, w) } }
        func posteriorMean(_ prior: FieldPrior, channel c: Int, z: [Double]) -> [Double] {
            let normalisers = (0..<4).map { prior.normaliser(channel: $0) }
            let p = prior.dctVariances(height: h, width: w, normalisers: normalisers)[c].map(Double.init)
            var cov = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
            for i in 0..<n { for j in 0..<n { cov[i][j] = (0..<n).reduce(0) { $0 + b[$1][i] * p[$1] * b[$1][j] } } }
            var system = cov
            for i in 0..<n { system[i][i] += s2 }
            let mu = Double(prior.mean[c])
            let solved = solve(system, z.map { $0 - mu })
            return (0..<n).map { i in mu + (0..<n).reduce(0) { $0 + cov[i][$1] * solved[$1] } }
        }
        var out = [Float]()
        for c in 0..<4 {
            let z = (0..<n).map { Double(input[c * n + $0]) / a }
            let xc = posteriorMean(conditional, channel: c, z: z)
            let xu = posteriorMean(unconditional, channel: c, z: z)
            for i in 0..<n {
                let x0 = xu[i] + guidance * (xc[i] - xu[i])
                out.append(Float((Double(input[c * n + i]) - a * x0) / s))
            }
        }
        return out
    }

    @Test(arguments: [(4, 6, 14.6), (5, 5, 1.0), (6, 3, 0.05)])
    func exactPosteriorMeanMatchesPixelDomainReference(shape: (Int, Int, Double)) throws {
        let (h, w, sigma) = shape
        let conditional = FieldPrior(prompt: "vivid sunset over rough sea")
        let unconditional = FieldPrior(prompt: "muted")
        let denoiser = FieldDenoiser(conditional: conditional, unconditional: unconditional, guidanceScale: 2.5)
        let level = NoiseLevel(timestep: 500, sigma: sigma)
        var rng = SeededGenerator(seed: UInt64(h * 10 + w))
        let input = rng.floats(4 * h * w).map { $0 * 2 }
        var output = [Float](repeating: 0, count: input.count)
        try input.withUnsafeBufferPointer { i in
            try output.withUnsafeMutableBufferPointer { o in
                try denoiser.predictNoise(
                    modelInput: i, tile: TileRect(x: 0, y: 0, width: w, height: h), level: level, output: o)
            }
        }
        let reference = naiveNoise(
            conditional: conditional, unconditional: unconditional, guidance: 2.5,
            input: input, height: h, width: w, level: level)
        #expect(maxRelativeError(output, reference) < 1e-4, "h=\(h) w=\(w) sigma=\(sigma)")
    }

    @Test func promptMappingIsDeterministicAndKeywordDriven() {
        #expect(FieldPrior(prompt: "") == FieldPrior.base)
        #expect(FieldPrior(prompt: "Sunset  over the SEA") == FieldPrior(prompt: "sunset over the sea"))
        let warm = FieldPrior(prompt: "sunset")
        let cool = FieldPrior(prompt: "ocean")
        #expect(warm.mean[1] > cool.mean[1])
        #expect(FieldPrior(prompt: "smooth").slope[0] > FieldPrior(prompt: "rough").slope[0])
        #expect(FieldPrior(prompt: "landscape").anisotropyX < 1)
        #expect(FieldPrior(prompt: "a cat") != FieldPrior(prompt: "a dog"))
    }

    @Test func wrongTileBufferIsATypedError() {
        let denoiser = FieldDenoiser(conditional: .base, unconditional: .base, guidanceScale: 1)
        let input = [Float](repeating: 0, count: 10)
        var output = [Float](repeating: 0, count: 10)
        #expect(throws: FieldModelError.self) {
            try input.withUnsafeBufferPointer { i in
                try output.withUnsafeMutableBufferPointer { o in
                    try denoiser.predictNoise(
                        modelInput: i, tile: TileRect(x: 0, y: 0, width: 4, height: 4),
                        level: NoiseLevel(timestep: 1, sigma: 1), output: o)
                }
            }
        }
    }
}
