import MosaicTestSupport
import Testing

@testable import MosaicDiffusion

/// The sampler fixtures' noise was drawn by diffusers from seeded torch generators; the Swift
/// generator must reproduce every draw, so an ancestral trajectory is the same given the seed.
@Suite struct SeededTrajectoryTests {
    @Test(arguments: SamplerKind.allCases)
    func initialNoiseIsTheSeededTorchDraw(kind: SamplerKind) throws {
        let file = try SamplerFixtures.load(SamplerFixtures.KindFile.self, "\(kind.rawValue).json")
        for run in file.runs {
            let seed = try #require(run.initial_noise_seed)
            var generator = TorchGenerator(seed: seed)
            let expected = SamplerFixtures.floats(run.initial_noise)
            #expect(generator.normal(count: expected.count).map(\.bitPattern) == expected.map(\.bitPattern))
        }
    }

    @Test func eulerAncestralStepNoiseComesFromOneSeededGenerator() throws {
        let file = try SamplerFixtures.load(SamplerFixtures.KindFile.self, "euler_a.json")
        for run in file.runs {
            let seed = try #require(run.step_noise_seed)
            let drawn = try #require(run.step_noise)
            var generator = TorchGenerator(seed: seed)
            for draw in drawn.map(SamplerFixtures.floats) {
                #expect(generator.normal(count: draw.count).map(\.bitPattern) == draw.map(\.bitPattern))
            }
            // And the full generator-driven trajectory matches diffusers' outputs.
            var sampler = try kind(file.kind).makeSampler(steps: run.steps)
            var sample = SamplerFixtures.floats(run.initial_noise).map { $0 * Float(sampler.initNoiseSigma) }
            var stepGenerator = TorchGenerator(seed: seed)
            for step in 0..<run.steps {
                let output = SamplerFixtures.floats(run.model_outputs[step])
                try output.withUnsafeBufferPointer { o in
                    try sample.withUnsafeMutableBufferPointer { s in
                        try sampler.step(modelOutput: o, sample: s, step: step, noise: &stepGenerator)
                    }
                }
                let expected = SamplerFixtures.floats(run.outputs[step])
                let scale = max(expected.map { abs($0) }.max() ?? 1, 1e-6)
                let error = zip(sample, expected).map { abs($0 - $1) }.max() ?? 0
                #expect(error / scale <= 1e-5, "step \(step) of \(run.steps)")
            }
        }
    }

    func kind(_ name: String) throws -> SamplerKind { try #require(SamplerKind(rawValue: name)) }
}
