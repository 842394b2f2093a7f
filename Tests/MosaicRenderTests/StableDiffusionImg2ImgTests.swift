import Foundation
import MosaicDiffusion
import MosaicImage
import MosaicStableDiffusion
import MosaicTensor
import Testing

@testable import MosaicRender

/// Image-to-image with a Stable Diffusion model (tiny random weights) through Mosaic's renderer,
/// untiled, against diffusers' `StableDiffusionImg2ImgPipeline` with the same init image,
/// prompts, seed, scheduler and strength (`Fixtures/sdN/reference/img2img.*`). Measured: latents
/// within 1.4e-6 to 5.1e-6 relative L2, image bytes within 2/255 everywhere.
@Suite struct StableDiffusionImg2ImgTests {
    static let fixtures = StableDiffusionPipelineTests.fixtures

    struct Reference {
        let prompt: String, negativePrompt: String, steps: Int, guidance: Float, seed: UInt64
        let image: RGBImage
        let tensors: SafeTensors

        init(model: String) throws {
            let json = try Data(contentsOf: URL(fileURLWithPath: "\(fixtures)/\(model)/reference/img2img.json"))
            let root = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
            let pipeline = try #require(root["pipeline"] as? [String: Any])
            prompt = try #require(pipeline["prompt"] as? String)
            negativePrompt = try #require(pipeline["negative_prompt"] as? String)
            steps = try #require(pipeline["num_inference_steps"] as? Int)
            guidance = Float(try #require(pipeline["guidance_scale"] as? Double))
            seed = UInt64(try #require(pipeline["seed"] as? Int))
            let bytes = [UInt8](
                try Data(contentsOf: URL(fileURLWithPath: "\(fixtures)/\(model)/reference/img2img.safetensors")))
            tensors = try SafeTensors(parsing: bytes)
            let info = try #require(tensors.info("init_image"))
            #expect(info.dtype == .u8 && info.shape.count == 3 && info.shape[2] == 3)
            let pixels = tensors.withDataSection { Array($0[info.dataRange]) }
            image = try RGBImage(width: info.shape[1], height: info.shape[0], pixels: pixels)
        }
    }

    static let cases: [(String, SamplerKind, Float)] = ["sd1", "sd2"].flatMap { model in
        SamplerKind.allCases.flatMap { sampler in [Float(0.3), 0.75].map { (model, sampler, $0) } }
    }

    @Test(arguments: cases)
    func untiledImageToImageMatchesDiffusers(model: String, sampler: SamplerKind, strength: Float) throws {
        let reference = try Reference(model: model)
        let sd = try StableDiffusionModel(name: model, path: "\(Self.fixtures)/\(model)")
        let catalog = ModelCatalog(models: [model: sd])
        let parameters = RenderParameters(
            prompt: reference.prompt, negativePrompt: reference.negativePrompt, model: model,
            width: reference.image.width, height: reference.image.height, steps: reference.steps, sampler: sampler,
            guidanceScale: reference.guidance, seed: reference.seed, tiling: .none, tileSize: 64, tileOverlap: 0,
            initImage: ImageDigest.hex(of: reference.image), strength: strength)
        let pool = WorkerPool(threadCount: 2)
        defer { pool.shutdown() }
        let renderer = try Renderer(
            parameters: parameters, catalog: catalog, pool: pool, state: nil, initImage: reference.image)
        #expect(renderer.plan.tiles(step: 0).count == 1)
        #expect(renderer.stepsToRun == Int(Double(reference.steps) * (strength == 0.3 ? 0.3 : 0.75)))
        try renderer.run()

        let key = "\(sampler.rawValue)_s\(Int((strength * 100).rounded()))"
        let expectedLatent = try reference.tensors.floats("\(key)_latents")
        let error = StableDiffusionPipelineTests.relativeL2(renderer.state.latent, expectedLatent)
        #expect(error <= 1e-4, "\(model) \(key): latent relative L2 error \(error)")

        let image = try renderer.decodeImage(pool: pool)
        let expectedImage = try reference.tensors.floats("\(key)_image")
        #expect(expectedImage.count == image.pixels.count)
        var far = 0
        for (byte, value) in zip(image.pixels, expectedImage) {
            let expectedByte = (min(max(value, 0), 1) * 255).rounded(.toNearestOrEven)
            if abs(Float(byte) - expectedByte) > 2 { far += 1 }
        }
        #expect(
            Double(far) <= 0.001 * Double(image.pixels.count),
            "\(model) \(key): \(far) channel values off by more than 2/255")
    }
}
