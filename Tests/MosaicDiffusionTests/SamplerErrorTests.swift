import MosaicDiffusion
import Testing

/// Steps `sampler` once on `sample` with a zero model output.
private func step(
    _ sampler: inout any Sampler, _ index: Int, sample: inout [Float], modelOutputCount: Int? = nil
) throws(SamplerError) {
    let eps = [Float](repeating: 0.5, count: modelOutputCount ?? sample.count)
    var noise = ForbiddenNoise()
    var result: Result<Void, SamplerError> = .success(())
    eps.withUnsafeBufferPointer { e in
        sample.withUnsafeMutableBufferPointer { x in
            do throws(SamplerError) {
                try sampler.step(modelOutput: e, sample: x, step: index, noise: &noise)
            } catch {
                result = .failure(error)
            }
        }
    }
    try result.get()
}

@Suite("Sampler misuse gives typed errors")
struct SamplerErrorTests {
    @Test(arguments: SamplerKind.allCases)
    func stepCountsOutsideTheTrainRangeAreRejected(kind: SamplerKind) {
        for steps in [0, -1, 1001, .max] {
            #expect(throws: SamplerError.invalidStepCount(steps: steps, valid: 1...1000)) {
                _ = try kind.makeSampler(steps: steps)
            }
        }
        #expect(throws: Never.self) { _ = try kind.makeSampler(steps: 1) }
    }

    @Test func countsDiffusersCannotRunAreRejected() throws {
        // DDIM "leading" 1000 steps indexes alphas_cumprod[1000] (IndexError in diffusers);
        // DPM-Solver++ at 999/1000 "leading" steps repeats a sigma (NaN in diffusers).
        for (kind, steps) in [(SamplerKind.ddim, 1000), (.dpmpp2m, 999), (.dpmpp2m, 1000)] {
            #expect(throws: SamplerError.self) { _ = try kind.makeSampler(steps: steps) }
            do {
                _ = try kind.makeSampler(steps: steps)
            } catch {
                guard case .unsupportedSchedule(kind, steps, _) = error else {
                    Issue.record("expected unsupportedSchedule, got \(error)")
                    continue
                }
            }
        }
        // Those diffusers runs fine stay allowed.
        for kind in [SamplerKind.euler, .eulerAncestral, .dpmpp2mKarras] {
            let sampler = try kind.makeSampler(steps: 1000)
            #expect(sampler.timesteps.count == 1000 && sampler.sigmas.count == 1001)
        }
        #expect(try SamplerKind.ddim.makeSampler(steps: 999).timesteps.first == 999)
        #expect(try SamplerKind.dpmpp2m.makeSampler(steps: 998).timesteps.first == 999)
    }

    @Test func invalidConfigurationsAreRejected() {
        let configs = [
            NoiseScheduleConfig(numTrainTimesteps: 1),
            NoiseScheduleConfig(betaStart: 0),
            NoiseScheduleConfig(betaEnd: 1),
            NoiseScheduleConfig(betaStart: .nan),
            NoiseScheduleConfig(stepsOffset: -1),
        ]
        for config in configs {
            #expect(throws: SamplerError.self) { _ = try SamplerKind.euler.makeSampler(steps: 10, config: config) }
            do {
                _ = try NoiseSchedule(config: config)
                Issue.record("accepted \(config)")
            } catch {
                guard case .invalidConfig = error else {
                    Issue.record("expected invalidConfig, got \(error)")
                    continue
                }
            }
        }
    }

    @Test(arguments: SamplerKind.allCases)
    func stepsMustRunInOrder(kind: SamplerKind) throws {
        var sampler = try kind.makeSampler(steps: 3)
        var sample: [Float] = [1, 2, 3, 4]
        let original = sample
        #expect(throws: SamplerError.stepOutOfOrder(expected: 0, got: 1)) {
            try step(&sampler, 1, sample: &sample)
        }
        #expect(throws: SamplerError.stepOutOfRange(step: -1, stepCount: 3)) {
            try step(&sampler, -1, sample: &sample)
        }
        #expect(sample == original)
        #expect(sampler.nextStep == 0)
        try step(&sampler, 0, sample: &sample)
        #expect(throws: SamplerError.stepOutOfOrder(expected: 1, got: 0)) {
            try step(&sampler, 0, sample: &sample)
        }
        try step(&sampler, 1, sample: &sample)
        try step(&sampler, 2, sample: &sample)
        #expect(sampler.isFinished)
        #expect(throws: SamplerError.stepOutOfRange(step: 3, stepCount: 3)) {
            try step(&sampler, 3, sample: &sample)
        }
    }

    @Test(arguments: SamplerKind.allCases)
    func mismatchedBuffersAreRejectedWithoutSideEffects(kind: SamplerKind) throws {
        var sampler = try kind.makeSampler(steps: 5)
        var sample: [Float] = [1, 2, 3, 4]
        let before = sampler.history
        #expect(throws: SamplerError.bufferSizeMismatch(modelOutput: 3, sample: 4)) {
            try step(&sampler, 0, sample: &sample, modelOutputCount: 3)
        }
        #expect(sample == [1, 2, 3, 4])
        #expect(sampler.history == before)
    }

    @Test(arguments: SamplerKind.allCases)
    func foreignHistoryIsRejected(kind: SamplerKind) throws {
        var sampler = try kind.makeSampler(steps: 5)
        var sample: [Float] = [1, 2, 3, 4]
        let other = SamplerKind.allCases.first { $0 != kind } ?? .ddim
        sampler.history = try other.makeSampler(steps: 5).history
        #expect(throws: SamplerError.self) { try step(&sampler, 0, sample: &sample) }
        sampler.history = try kind.makeSampler(steps: 6).history
        #expect(throws: SamplerError.self) { try step(&sampler, 0, sample: &sample) }
        let trailing = NoiseScheduleConfig(timestepSpacing: .trailing)
        sampler.history = try kind.makeSampler(steps: 5, config: trailing).history
        do {
            try step(&sampler, 0, sample: &sample)
            Issue.record("accepted a history for another configuration")
        } catch {
            guard case .historyMismatch = error else {
                Issue.record("expected historyMismatch, got \(error)")
                return
            }
        }
        #expect(sample == [1, 2, 3, 4])
    }

    @Test(arguments: [SamplerKind.dpmpp2m, .dpmpp2mKarras])
    func inconsistentMultistepHistoryIsRejected(kind: SamplerKind) throws {
        var sampler = try kind.makeSampler(steps: 5)
        var sample: [Float] = [1, 2, 3, 4]
        try step(&sampler, 0, sample: &sample)
        let good = sampler.history
        #expect(good.lowerOrderNums == 1 && good.previousDenoised.count == 4)

        var shortHistory = good
        shortHistory.previousDenoised = [0, 0]
        sampler.history = shortHistory
        #expect(throws: SamplerError.self) { try step(&sampler, 1, sample: &sample) }

        var wrongOrder = good
        wrongOrder.lowerOrderNums = 0
        sampler.history = wrongOrder
        #expect(throws: SamplerError.self) { try step(&sampler, 1, sample: &sample) }

        sampler.history = good
        try step(&sampler, 1, sample: &sample)
        #expect(sampler.history.lowerOrderNums == 2)
    }

    @Test func errorsDescribeTheirContext() {
        let error = SamplerError.stepOutOfOrder(expected: 4, got: 6)
        #expect(error.description.contains("expected step 4, got 6"))
        let unsupported = SamplerError.unsupportedSchedule(kind: .ddim, steps: 1000, reason: "timestep 1000")
        #expect(unsupported.description.contains("ddim") && unsupported.description.contains("1000"))
    }
}
