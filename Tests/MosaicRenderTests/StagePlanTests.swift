import MosaicDiffusion
import MosaicImage
import MosaicRender
import Testing

@Suite struct StagePlanTests {
    @Test func autoStagesDoubleFromTheNativeSizeToTheLongEdge() {
        #expect(StagePlan.autoSides(longEdge: 8192, native: 512) == [512, 1024, 2048, 4096, 8192])
        #expect(StagePlan.autoSides(longEdge: 3000, native: 512) == [512, 1024, 2048, 3000])
        #expect(StagePlan.autoSides(longEdge: 1536, native: 768) == [768, 1536])
        #expect(StagePlan.autoSides(longEdge: 512, native: 512) == [])
        #expect(StagePlan.autoStrengths(count: 6) == [1, 0.5, 0.4, 0.3, 0.2, 0.2])
        #expect(StagePlan.autoStrengths(count: 2, base: 0.6) == [0.6, 0.5])
        #expect(StagePlan.stagesByDefault(longEdge: 1025, native: 512))
        #expect(!StagePlan.stagesByDefault(longEdge: 1024, native: 512))
        #expect(!StagePlan.stagesByDefault(longEdge: 8192, native: nil))
    }

    @Test func stepsRunCountAsPythonDoes() {
        // int(steps * strength) over the strength's decimal value, as in diffusers.
        #expect(StagePlan.stepsRun(steps: 10, strength: 0.7) == 7)
        #expect(StagePlan.stepsRun(steps: 30, strength: 0.3) == 9)
        #expect(StagePlan.stepsRun(steps: 30, strength: 0.75) == 22)
        #expect(StagePlan.stepsRun(steps: 3, strength: 0.2) == 1)
        #expect(StagePlan.stepsRun(steps: 30, strength: 1) == 30)
    }

    @Test func stageSizesKeepTheAspectRatio() {
        #expect(StagePlan.size(side: 512, width: 8192, height: 4096) == (512, 256))
        #expect(StagePlan.size(side: 1000, width: 3000, height: 7000) == (432, 1000))
        #expect(StagePlan.size(side: 7000, width: 3000, height: 7000) == (3000, 7000))
        #expect(StagePlan.size(side: 512, width: 8192, height: 128) == (512, 64))
    }

    /// The budget: an 8192x8192 SD 1.5 job (30 steps, 64-latent-px tiles) staged from
    /// 512 px is at most 4,500 tile evaluations; direct, it is 441 tiles x 30 steps.
    @Test func an8KStagedRenderCostsAThirdOfADirectOne() throws {
        var parameters = RenderParameters(prompt: "p", width: 8192, height: 8192, steps: 30)
        let direct = try StagePlan(parameters: parameters)
        #expect(direct.stages.count == 1)
        #expect(direct.tileEvaluations == 441 * 30)
        parameters.stages = StagePlan.autoSides(longEdge: 8192, native: 512)
        parameters.strengths = StagePlan.autoStrengths(count: parameters.stages.count)
        try parameters.validate()
        let staged = try StagePlan(parameters: parameters)
        #expect(staged.stages.map(\.steps) == [30, 15, 12, 9, 6])
        #expect(staged.stages.map(\.tileEvaluations) == [30, 9 * 15, 25 * 12, 121 * 9, 441 * 6])
        #expect(staged.tileEvaluations <= 4500)
    }

    @Test func badStagesAreRefusedWithTheirReason() {
        func reason(_ change: (inout RenderParameters) -> Void) -> String? {
            var parameters = RenderParameters(prompt: "p", width: 2048, height: 1024, steps: 20)
            change(&parameters)
            do { try parameters.validate() } catch { return error.description }
            return nil
        }
        #expect(reason { _ in } == nil)
        #expect(reason { $0.strength = 0.5 } == "invalid strength: a strength below 1 needs an init image")
        #expect(reason { $0.strength = 0 } == "invalid strength: 0.0 is outside (0, 1]")
        #expect(
            reason {
                $0.initImage = "ab"
                $0.strength = 1.5
            } == "invalid strength: 1.5 is outside (0, 1]")
        #expect(
            reason {
                $0.initImage = "ab"
                $0.strength = 0.3
            } == nil)
        let staged: (inout RenderParameters) -> Void = {
            $0.stages = [512, 1024, 2048]
            $0.strengths = [1, 0.5, 0.4]
        }
        #expect(reason(staged) == nil)
        #expect(
            reason {
                staged(&$0)
                $0.stages = [512, 2048]
            } == "invalid strengths: 3 strengths for 2 stages (one per stage)")
        #expect(
            reason {
                staged(&$0)
                $0.stages = [1024, 512, 2048]
            } == "invalid stages: [1024, 512, 2048] must increase")
        #expect(
            reason {
                staged(&$0)
                $0.stages = [512, 1024, 1536]
            } == "invalid stages: the last stage (1536 px) must be the long edge, 2048 px")
        #expect(
            reason {
                staged(&$0)
                $0.strengths = [0.9, 0.5, 0.4]
            } == "invalid strengths: the base stage renders from noise: its strength must be 1")
    }

    @Test func imageInputsAndStagesChangeTheHashOnlyWhenUsed() {
        let plain = RenderParameters(prompt: "p")
        var same = plain
        same.strength = 1
        same.upscaler = RenderParameters.lanczosUpscaler
        #expect(same.checkpointHash == plain.checkpointHash)
        #expect(!plain.canonicalJSON.contains("strength"))
        var image = plain
        image.initImage = "00ff"
        image.strength = 0.5
        var other = image
        other.strength = 0.6
        #expect(Set([plain.checkpointHash, image.checkpointHash, other.checkpointHash]).count == 3)
        var staged = plain
        staged.stages = [512, 1024]
        staged.strengths = [1, 0.5]
        var lanczosOrNot = staged
        lanczosOrNot.upscaler = "x4plus"
        #expect(Set([plain.checkpointHash, staged.checkpointHash, lanczosOrNot.checkpointHash]).count == 3)
    }
}

@Suite struct ImageDigestTests {
    @Test func theDigestCoversTheSizeAndEveryPixel() throws {
        let image = try RGBImage(width: 2, height: 1, pixels: [1, 2, 3, 4, 5, 6])
        // printf 'rgb8 2x1\n\x01\x02\x03\x04\x05\x06' | sha256sum
        #expect(ImageDigest.hex(of: image) == "35ef30e344486aeb7fdf5aab495dfba14c4613d5e0bc1bfc11f90023c50d22e5")
        let wide = try RGBImage(width: 1, height: 2, pixels: [1, 2, 3, 4, 5, 6])
        #expect(ImageDigest.hex(of: wide) != ImageDigest.hex(of: image))
    }
}
