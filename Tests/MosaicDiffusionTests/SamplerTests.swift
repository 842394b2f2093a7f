import Foundation
import MosaicDiffusion
import Testing

// Samplers against diffusers 0.42.1 (fixtures from scripts/reference/make_sampler_fixtures.py).
//
// Error measure (see ErrorStats): every comparison asserts both
//   relMax = max_i |a_i - b_i| / max(max_i |b_i|, 1e-6)   and
//   relL2  = ||a - b||₂ / max(||b||₂, 1e-6)
// to be <= 1e-5 (sigmas and scaled model inputs: <= 1e-6), and the timesteps to be identical.
// Trajectories are closed loop: the Swift sampler runs from the initial noise on its own
// outputs, fed diffusers' model outputs, so errors would accumulate.
//
// Why not bit equality: torch on x86 CPU computes float32 sqrt through MKL (not always
// correctly rounded; 190 of the 1000 train sigmas differ by 1 ulp on the AMD EPYC that made
// the fixtures) and log/exp through SLEEF, so its last bits depend on the machine. Swift uses
// IEEE sqrt and the C library; everything else follows diffusers' float32 operation order.

/// Runs `steps` of a fixture trajectory on `sample`, comparing scaled inputs and outputs.
private func advance(
    _ sampler: inout any Sampler, run: SamplerFixtures.Run, steps: Range<Int>,
    sample: inout [Float], noise: inout some NoiseSource
) throws -> (inputs: ErrorStats, outputs: ErrorStats) {
    var inputs = ErrorStats()
    var outputs = ErrorStats()
    for i in steps {
        let scale = sampler.modelInputScale(step: i)
        inputs.merge(ErrorStats(sample.map { $0 * scale }, SamplerFixtures.floats(run.scaled_inputs[i])))
        let eps = SamplerFixtures.floats(run.model_outputs[i])
        try eps.withUnsafeBufferPointer { e in
            try sample.withUnsafeMutableBufferPointer { x in
                try sampler.step(modelOutput: e, sample: x, step: i, noise: &noise)
            }
        }
        outputs.merge(ErrorStats(sample, SamplerFixtures.floats(run.outputs[i])))
    }
    return (inputs, outputs)
}

/// The run's initial latent: N(0, 1) noise times init_noise_sigma, as the pipeline does.
private func initialSample(_ sampler: any Sampler, _ run: SamplerFixtures.Run) -> [Float] {
    let scale = Float(sampler.initNoiseSigma)
    return SamplerFixtures.floats(run.initial_noise).map { $0 * scale }
}

/// Expects `actual` to be within `tolerance` of `expected` (relMax and relL2), reporting the
/// first differing index instead of both arrays.
private func expectClose(
    _ actual: [Double], _ expected: [Double], tolerance: Double, _ label: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    guard actual.count == expected.count else {
        Issue.record("\(label): \(actual.count) values, expected \(expected.count)", sourceLocation: sourceLocation)
        return
    }
    let stats = ErrorStats(actual, expected)
    if !stats.within(tolerance) {
        let i = actual.indices.first { actual[$0] != expected[$0] } ?? 0
        Issue.record(
            "\(label): \(stats); first difference at \(i): \(actual[i]) vs \(expected[i])",
            sourceLocation: sourceLocation)
    }
}

/// Expects identical arrays, reporting the first difference instead of both arrays.
private func expectIdentical(
    _ actual: [Double], _ expected: [Double], _ label: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    guard actual != expected else { return }
    let first = zip(actual.indices, expected.indices).first { actual[$0.0] != expected[$0.1] }?.0
    let detail = first.map { ", first difference at \($0): \(actual[$0]) vs \(expected[$0])" } ?? ""
    Issue.record("\(label): \(actual.count) vs \(expected.count) values\(detail)", sourceLocation: sourceLocation)
}

@Suite("Sampler schedules and trajectories match diffusers")
struct SamplerFixtureTests {
    @Test func trainingScheduleMatchesDiffusers() throws {
        let fixture = try SamplerFixtures.load(SamplerFixtures.Schedule.self, "schedule.json")
        let schedule = try NoiseSchedule()
        // torch's linspace (FMA) and cumprod (double accumulator) are reproduced exactly.
        #expect(schedule.betas == SamplerFixtures.floats(fixture.betas))
        #expect(schedule.alphasCumprod == SamplerFixtures.floats(fixture.alphas_cumprod))
        #expect(schedule.alphas == schedule.betas.map { 1 - $0 })
        // MKL's sqrt is not always correctly rounded: allow 1 ulp.
        let expected = SamplerFixtures.floats(fixture.train_sigmas)
        let ulps = zip(schedule.trainSigmas, expected).map { abs(Int($0.bitPattern) - Int($1.bitPattern)) }
        #expect(ulps.max() ?? 0 <= 1)
        print("[schedule] train sigmas: \(ErrorStats(schedule.trainSigmas, expected)), max ulps \(ulps.max() ?? 0)")
    }

    @Test(arguments: SamplerKind.allCases)
    func trajectoriesMatchDiffusers(kind: SamplerKind) throws {
        let file = try SamplerFixtures.kindFile(kind)
        #expect(file.kind == kind.rawValue)
        var sigmaStats = ErrorStats()
        var inputStats = ErrorStats()
        var outputStats = ErrorStats()
        for run in file.runs {
            var sampler = try kind.makeSampler(steps: run.steps)
            #expect(sampler.kind == kind)
            #expect(sampler.stepCount == run.steps)
            expectIdentical(sampler.timesteps, run.timesteps, "timesteps, \(run.steps) steps")
            expectClose(
                [sampler.initNoiseSigma], [run.init_noise_sigma], tolerance: 1e-6,
                "init_noise_sigma, \(run.steps) steps")
            #expect(sampler.sigmas.count == run.steps + 1)
            if let sigmas = run.sigmas {
                let expected = SamplerFixtures.floats(sigmas).map(Double.init)
                expectClose(sampler.sigmas, expected, tolerance: 1e-6, "sigmas, \(run.steps) steps")
                sigmaStats.merge(ErrorStats(sampler.sigmas, expected))
                expectClose(
                    (0...run.steps).map { sampler.alphaCumprod(step: $0) }, expected.map { 1 / (1 + $0 * $0) },
                    tolerance: 1e-6, "alphaCumprod, \(run.steps) steps")
            }
            if let sigmas = run.sigmas_float64, let alphas = run.alpha_prod_t, let targets = run.alpha_prod_t_prev {
                sigmaStats.merge(ErrorStats(sampler.sigmas, sigmas))
                expectClose(sampler.sigmas, sigmas, tolerance: 1e-12, "DDIM sigmas, \(run.steps) steps")
                // DDIM reads alphas_cumprod directly, which is reproduced exactly.
                let alphaProducts = SamplerFixtures.floats(alphas) + [SamplerFixtures.floats(targets).last ?? .nan]
                expectIdentical(
                    (0...run.steps).map { sampler.alphaCumprod(step: $0) }, alphaProducts.map(Double.init),
                    "DDIM alphaCumprod, \(run.steps) steps")
            }

            var sample = initialSample(sampler, run)
            let (inputs, outputs): (ErrorStats, ErrorStats)
            if let drawn = run.step_noise {
                var noise = ReplayNoise(drawn.map(SamplerFixtures.floats))
                (inputs, outputs) = try advance(
                    &sampler, run: run, steps: 0..<run.steps, sample: &sample, noise: &noise)
                #expect(noise.problems.isEmpty, "\(noise.problems)")
                #expect(noise.next == run.steps, "one fillNormal call per step")
            } else {
                var noise = ForbiddenNoise()
                (inputs, outputs) = try advance(
                    &sampler, run: run, steps: 0..<run.steps, sample: &sample, noise: &noise)
                #expect(noise.calls == 0)
            }
            #expect(sampler.isFinished)
            #expect(inputs.within(1e-6), "scaled model inputs, \(run.steps) steps: \(inputs)")
            #expect(outputs.within(samplerTolerance), "step outputs, \(run.steps) steps: \(outputs)")
            inputStats.merge(inputs)
            outputStats.merge(outputs)
        }
        print("[\(kind.rawValue)] runs \(file.runs.map(\.steps)) sigmas: \(sigmaStats)")
        print("[\(kind.rawValue)] scaled inputs: \(inputStats)")
        print("[\(kind.rawValue)] step outputs: \(outputStats)")
    }

    @Test(arguments: SamplerKind.allCases)
    func timestepSpacingsMatchDiffusers(kind: SamplerKind) throws {
        let file = try SamplerFixtures.load(SamplerFixtures.SpacingFile.self, "spacing.json")
        let records = file.records.filter { $0.kind == kind.rawValue }
        #expect(records.count >= 30)
        var sigmaStats = ErrorStats()
        for record in records {
            let spacing = try #require(NoiseScheduleConfig.TimestepSpacing(rawValue: record.timestep_spacing))
            let config = NoiseScheduleConfig(timestepSpacing: spacing)
            let label = "\(record.timestep_spacing) \(record.steps) steps"
            // diffusers cannot run some counts: it raises, yields the wrong number of
            // timesteps, or (DPM-Solver) repeats a sigma, which makes the step NaN.
            var degenerate = record.error != nil || record.timesteps?.count != record.steps
            if let sigmas = record.sigmas, kind == .dpmpp2m || kind == .dpmpp2mKarras {
                let s = SamplerFixtures.floats(sigmas)
                degenerate = degenerate || (1..<record.steps).contains { !(s[$0] < s[$0 - 1]) }
            }
            if degenerate {
                #expect(throws: SamplerError.self, "\(label) should be refused") {
                    _ = try kind.makeSampler(steps: record.steps, config: config)
                }
                do {
                    _ = try kind.makeSampler(steps: record.steps, config: config)
                } catch let error {
                    guard case .unsupportedSchedule(let errorKind, let steps, _) = error else {
                        Issue.record("\(label): expected unsupportedSchedule, got \(error)")
                        continue
                    }
                    #expect(errorKind == kind && steps == record.steps)
                }
                continue
            }
            let sampler = try kind.makeSampler(steps: record.steps, config: config)
            expectIdentical(sampler.timesteps, record.timesteps ?? [], "timesteps, \(label)")
            expectClose(
                [sampler.initNoiseSigma], [record.init_noise_sigma ?? .nan], tolerance: 1e-6,
                "init_noise_sigma, \(label)")
            if let sigmas = record.sigmas {
                let expected = SamplerFixtures.floats(sigmas).map(Double.init)
                expectClose(sampler.sigmas, expected, tolerance: 1e-6, "sigmas, \(label)")
                sigmaStats.merge(ErrorStats(sampler.sigmas, expected))
            }
            if let alphas = record.alpha_prod_t, let targets = record.alpha_prod_t_prev {
                let expected = SamplerFixtures.floats(alphas) + [SamplerFixtures.floats(targets).last ?? .nan]
                expectIdentical(
                    (0...record.steps).map { sampler.alphaCumprod(step: $0) }, expected.map(Double.init),
                    "DDIM alphas_cumprod, \(label)")
            }
        }
        print("[\(kind.rawValue)] spacing records \(records.count), sigmas: \(sigmaStats)")
    }
}
