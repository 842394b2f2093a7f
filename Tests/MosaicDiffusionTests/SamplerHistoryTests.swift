import Foundation
import MosaicDiffusion
import Testing

/// Runs steps `range` of a fixture run, feeding its model outputs.
private func run(
    _ sampler: inout any Sampler, _ fixture: SamplerFixtures.Run, _ range: Range<Int>,
    sample: inout [Float], noise: inout ReplayNoise
) throws {
    for i in range {
        let eps = SamplerFixtures.floats(fixture.model_outputs[i])
        try eps.withUnsafeBufferPointer { e in
            try sample.withUnsafeMutableBufferPointer { x in
                try sampler.step(modelOutput: e, sample: x, step: i, noise: &noise)
            }
        }
    }
}

@Suite("Sampler history checkpoints")
struct SamplerHistoryTests {
    /// Encodes the history mid-run, decodes it into a freshly made sampler and continues: the
    /// result must be bit-identical to an uninterrupted run.
    @Test(arguments: SamplerKind.allCases, [1, 4, 9])
    func resumedSamplerContinuesBitIdentically(kind: SamplerKind, checkpointStep: Int) throws {
        let fixture = try #require(try SamplerFixtures.kindFile(kind).runs.first { $0.steps == 10 })
        let drawn = (fixture.step_noise ?? []).map(SamplerFixtures.floats)
        let initial = SamplerFixtures.floats(fixture.initial_noise)

        var straight = try kind.makeSampler(steps: 10)
        var straightSample = initial.map { $0 * Float(straight.initNoiseSigma) }
        var straightNoise = ReplayNoise(drawn)
        try run(&straight, fixture, 0..<10, sample: &straightSample, noise: &straightNoise)

        var first = try kind.makeSampler(steps: 10)
        var sample = initial.map { $0 * Float(first.initNoiseSigma) }
        var noise = ReplayNoise(drawn)
        try run(&first, fixture, 0..<checkpointStep, sample: &sample, noise: &noise)
        let saved = try JSONEncoder().encode(first.history)
        let savedNoise = noise  // the caller checkpoints its generator alongside

        var resumed = try kind.makeSampler(steps: 10)
        resumed.history = try JSONDecoder().decode(SamplerHistory.self, from: saved)
        #expect(resumed.history == first.history)
        #expect(resumed.nextStep == checkpointStep)
        var resumedNoise = savedNoise
        try run(&resumed, fixture, checkpointStep..<10, sample: &sample, noise: &resumedNoise)

        #expect(sample.map(\.bitPattern) == straightSample.map(\.bitPattern))
        #expect(resumed.history == straight.history)
        #expect(resumed.isFinished)
        if kind == .dpmpp2m || kind == .dpmpp2mKarras {
            #expect(first.history.lowerOrderNums == min(checkpointStep, 2))
            #expect(first.history.previousDenoised.count == sample.count)
        } else {
            #expect(first.history.previousDenoised.isEmpty)
        }
    }

    @Test func historyEncodesPreviousDenoisedExactly() throws {
        let values: [Float] = [0, -0.0, 1.5, -3.25e-7, .greatestFiniteMagnitude, .leastNonzeroMagnitude, 0.1]
        let history = SamplerHistory(
            kind: .dpmpp2m, stepCount: 7, config: NoiseScheduleConfig(timestepSpacing: .trailing),
            nextStep: 3, lowerOrderNums: 2, previousDenoised: values)
        let decoded = try JSONDecoder().decode(SamplerHistory.self, from: JSONEncoder().encode(history))
        #expect(decoded.previousDenoised.map(\.bitPattern) == values.map(\.bitPattern))
        #expect(decoded.config == history.config && decoded.nextStep == 3 && decoded.lowerOrderNums == 2)
        let plist = try PropertyListDecoder().decode(
            SamplerHistory.self, from: PropertyListEncoder().encode(history))
        #expect(plist == history)
    }

    @Test func historyWithPartialFloatIsRejected() throws {
        let json = """
            {"kind":"dpmpp_2m","stepCount":5,"nextStep":1,"lowerOrderNums":1,
             "config":{"numTrainTimesteps":1000,"betaStart":0.00085,"betaEnd":0.012,
                       "betaSchedule":"scaled_linear","timestepSpacing":"leading","stepsOffset":1},
             "previousDenoisedFloat32LE":"AAAA"}
            """
        #expect(throws: DecodingError.self) {
            _ = try JSONDecoder().decode(SamplerHistory.self, from: Data(json.utf8))
        }
    }
}
