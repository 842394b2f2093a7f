import Testing

@testable import MosaicBench

/// The load benchmark's split of each loaded window's slowdown into the render's CPU share and
/// its CPU per step.
@Suite struct SlowdownFactorsTests {
    private typealias Window = LoadBenchmark.Window

    private func window(loaded: Bool, steps: Int, seconds: Double, renderCPU: Double?) -> Window {
        Window(loaded: loaded, steps: steps, seconds: seconds, renderCPU: renderCPU, servingCPU: 0.3, clientCPU: 0)
    }

    @Test func theFactorsMultiplyToTheStepRatesRatio() throws {
        // Unloaded: 18 CPU-seconds in 9 s, 0.5 s a step. Loaded: the load takes 4% of the CPU
        // and a step costs 2% more.
        let unloaded = window(loaded: false, steps: 36, seconds: 9, renderCPU: 18)
        let loadedCPU = 18 / 1.04
        let loadedSteps = loadedCPU / (0.5 * 1.02)
        let loaded = Window(
            loaded: true, steps: Int(loadedSteps.rounded()), seconds: 9, renderCPU: loadedCPU,
            servingCPU: 0.6, clientCPU: 0.3)
        let factors = try #require(LoadBenchmark.slowdownFactors([unloaded, loaded, unloaded]))
        #expect(factors.cpuShare.count == 1 && abs(factors.cpuShare[0] - 4) < 1e-9)
        // The loaded window's steps are whole, so its CPU per step is off by at most half a step.
        #expect(abs(factors.cpuPerStep[0] - 2) < 2)
        let rateRatio = (unloaded.stepsPerSecond / loaded.stepsPerSecond - 1) * 100
        let product = ((1 + factors.cpuShare[0] / 100) * (1 + factors.cpuPerStep[0] / 100) - 1) * 100
        #expect(abs(product - rateRatio) < 1e-9, "the step rate is CPU per second over CPU per step")
    }

    @Test func neighboursAreAveragedAndUnknownCPUGivesNothing() throws {
        let windows = [
            window(loaded: false, steps: 30, seconds: 10, renderCPU: 16),
            window(loaded: true, steps: 27, seconds: 10, renderCPU: 15),
            window(loaded: false, steps: 34, seconds: 10, renderCPU: 18),
            window(loaded: true, steps: 30, seconds: 10, renderCPU: 17),
            window(loaded: false, steps: 32, seconds: 10, renderCPU: 17),
        ]
        let factors = try #require(LoadBenchmark.slowdownFactors(windows))
        #expect(factors.cpuShare.count == 2)
        #expect(abs(factors.cpuShare[0] - ((16.0 + 18) / 2 / 15 - 1) * 100) < 1e-9)
        #expect(abs(factors.cpuPerStep[1] - ((17.0 / 30) / ((18.0 / 34 + 17.0 / 32) / 2) - 1) * 100) < 1e-9)
        var unknown = windows
        unknown[2] = window(loaded: false, steps: 34, seconds: 10, renderCPU: nil)
        #expect(LoadBenchmark.slowdownFactors(unknown) == nil)
    }
}
