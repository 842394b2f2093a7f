import Foundation
import MosaicDiffusion
import Testing

/// Image-to-image's start: a sampler begun at a later step (diffusers' `set_begin_index`) and
/// each sampler's `add_noise` there.
@Suite struct SamplerBeginTests {
    static let noise: [Float] = (0..<32).map { Float(sin(Double($0) * 1.7)) }
    static let original: [Float] = (0..<32).map { Float(cos(Double($0) * 0.3)) * 0.8 }

    /// `add_noise` at `step` on `original`.
    static func noised(_ sampler: any Sampler, step: Int) throws -> [Float] {
        var sample = original
        try noise.withUnsafeBufferPointer { n in
            try sample.withUnsafeMutableBufferPointer { x in try sampler.addNoise(to: x, noise: n, step: step) }
        }
        return sample
    }

    @Test(arguments: SamplerKind.allCases)
    func addNoiseMixesAtTheStepsNoiseLevel(kind: SamplerKind) throws {
        let sampler = try kind.makeSampler(steps: 10)
        for step in [0, 3, 7, 9] {
            let result = try Self.noised(sampler, step: step)
            let sigma = sampler.sigmas[step]
            for i in result.indices {
                let x = Double(Self.original[i])
                let n = Double(Self.noise[i])
                let expected: Double
                switch kind {
                case .euler, .eulerAncestral:
                    expected = x + sigma * n  // k-diffusion: the input is unscaled
                case .ddim, .dpmpp2m, .dpmpp2mKarras:
                    let alpha = sampler.alphaCumprod(step: step)
                    expected = alpha.squareRoot() * x + (1 - alpha).squareRoot() * n
                }
                #expect(abs(Double(result[i]) - expected) <= 2e-6 * max(1, abs(expected)), "\(kind) step \(step)")
            }
        }
    }

    @Test(arguments: SamplerKind.allCases)
    func addNoiseChecksItsArguments(kind: SamplerKind) throws {
        let sampler = try kind.makeSampler(steps: 10)
        var sample: [Float] = [1, 2, 3]
        let noise: [Float] = [1, 2]
        #expect(throws: SamplerError.self) {
            try noise.withUnsafeBufferPointer { n in
                try sample.withUnsafeMutableBufferPointer { x in try sampler.addNoise(to: x, noise: n, step: 0) }
            }
        }
        #expect(throws: SamplerError.stepOutOfRange(step: 10, stepCount: 10)) {
            try noise.withUnsafeBufferPointer { n in
                try sample.withUnsafeMutableBufferPointer { x in
                    try sampler.addNoise(to: UnsafeMutableBufferPointer(rebasing: x[0..<2]), noise: n, step: 10)
                }
            }
        }
        #expect(sample == [1, 2, 3])
    }

    @Test(arguments: SamplerKind.allCases)
    func aBegunSamplerStepsFromItsBeginStep(kind: SamplerKind) throws {
        var sampler = try kind.makeSampler(steps: 10)
        try sampler.begin(at: 6)
        #expect(sampler.nextStep == 6 && sampler.history.beginStep == 6)
        var sample = Self.original
        let eps = Self.noise
        var noise = TorchGenerator(seed: 3)
        #expect(throws: SamplerError.stepOutOfOrder(expected: 6, got: 0)) {
            try eps.withUnsafeBufferPointer { e in
                try sample.withUnsafeMutableBufferPointer { x in
                    try sampler.step(modelOutput: e, sample: x, step: 0, noise: &noise)
                }
            }
        }
        for step in 6..<10 {
            try eps.withUnsafeBufferPointer { e in
                try sample.withUnsafeMutableBufferPointer { x in
                    try sampler.step(modelOutput: e, sample: x, step: step, noise: &noise)
                }
            }
        }
        #expect(sampler.isFinished)
        #expect(sample.allSatisfy { $0.isFinite })
        // Beginning again after steps have run is refused.
        #expect(throws: SamplerError.self) { try sampler.begin(at: 2) }
    }

    /// DPM-Solver++ begun at step k takes a first-order step there, as a fresh diffusers
    /// scheduler does (`lower_order_nums` is 0), and second-order steps after it.
    @Test(arguments: [SamplerKind.dpmpp2m, .dpmpp2mKarras])
    func multistepSamplersStartFirstOrderAtTheirBeginStep(kind: SamplerKind) throws {
        var begun = try kind.makeSampler(steps: 10)
        try begun.begin(at: 4)
        var sample = Self.original
        var noise = ForbiddenNoise()
        try Self.noise.withUnsafeBufferPointer { e in
            try sample.withUnsafeMutableBufferPointer { x in
                try begun.step(modelOutput: e, sample: x, step: 4, noise: &noise)
            }
        }
        #expect(begun.history.lowerOrderNums == 1)

        // The first-order DPM-Solver++ update from sigmas[4] to sigmas[5], in double.
        func alphaSigma(_ s: Double) -> (Double, Double) {
            (1 / (s * s + 1).squareRoot(), s / (s * s + 1).squareRoot())
        }
        let (alphaS, sigmaS) = alphaSigma(begun.sigmas[4])
        let (alphaT, sigmaT) = alphaSigma(begun.sigmas[5])
        let h = (log(alphaT) - log(sigmaT)) - (log(alphaS) - log(sigmaS))
        for i in sample.indices {
            let x = Double(Self.original[i])
            let x0 = (x - sigmaS * Double(Self.noise[i])) / alphaS
            let expected = sigmaT / sigmaS * x - alphaT * (exp(-h) - 1) * x0
            #expect(abs(Double(sample[i]) - expected) <= 1e-5 * max(1, abs(expected)))
        }

        // A history that claims a second lower-order step at the step after the begin is refused.
        var wrong = begun.history
        wrong.lowerOrderNums = 2
        var copy = begun
        copy.history = wrong
        #expect(throws: SamplerError.self) {
            try Self.noise.withUnsafeBufferPointer { e in
                try sample.withUnsafeMutableBufferPointer { x in
                    try copy.step(modelOutput: e, sample: x, step: 5, noise: &noise)
                }
            }
        }
        try Self.noise.withUnsafeBufferPointer { e in
            try sample.withUnsafeMutableBufferPointer { x in
                try begun.step(modelOutput: e, sample: x, step: 5, noise: &noise)
            }
        }
        #expect(begun.history.lowerOrderNums == 2)
        #expect(noise.calls == 0)
    }

    @Test func theBeginStepIsCheckpointedOnlyWhenSet() throws {
        let fresh = SamplerHistory(kind: .dpmpp2m, stepCount: 10, config: NoiseScheduleConfig())
        let freshJSON = String(decoding: try JSONEncoder().encode(fresh), as: UTF8.self)
        #expect(!freshJSON.contains("beginStep"))
        #expect(try JSONDecoder().decode(SamplerHistory.self, from: Data(freshJSON.utf8)) == fresh)

        var begun = try SamplerKind.dpmpp2m.makeSampler(steps: 10)
        try begun.begin(at: 7)
        let data = try JSONEncoder().encode(begun.history)
        #expect(String(decoding: data, as: UTF8.self).contains("\"beginStep\":7"))
        #expect(try JSONDecoder().decode(SamplerHistory.self, from: data) == begun.history)
    }
}
