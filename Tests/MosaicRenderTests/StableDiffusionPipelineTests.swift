import Foundation
import MosaicDiffusion
import MosaicImage
import MosaicStableDiffusion
import MosaicTensor
import Testing

@testable import MosaicRender

/// A whole render with a Stable Diffusion model (tiny random weights) through Mosaic's renderer,
/// untiled (one tile covers the canvas), against diffusers' `StableDiffusionPipeline` with the
/// same prompt, negative prompt, seed and scheduler (`Fixtures/sdN/reference/pipeline.*`).
@Suite struct StableDiffusionPipelineTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../MosaicStableDiffusionTests/Fixtures").standardizedFileURL.path

    struct Reference {
        let prompt: String, negativePrompt: String, steps: Int, guidance: Float, seed: UInt64, width: Int, height: Int
        let tensors: SafeTensors

        init(model: String) throws {
            let json = try Data(contentsOf: URL(fileURLWithPath: "\(fixtures)/\(model)/reference/pipeline.json"))
            // Python writes -Infinity (a scheduler's lambda_min_clipped), which JSON has no word for.
            let text = String(decoding: json, as: UTF8.self).replacingOccurrences(of: "-Infinity", with: "null")
            let root = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            let pipeline = try #require(root["pipeline"] as? [String: Any])
            prompt = try #require(pipeline["prompt"] as? String)
            negativePrompt = try #require(pipeline["negative_prompt"] as? String)
            steps = try #require(pipeline["num_inference_steps"] as? Int)
            guidance = Float(try #require(pipeline["guidance_scale"] as? Double))
            seed = UInt64(try #require(pipeline["seed"] as? Int))
            width = try #require(pipeline["width"] as? Int)
            height = try #require(pipeline["height"] as? Int)
            let bytes = [UInt8](
                try Data(contentsOf: URL(fileURLWithPath: "\(fixtures)/\(model)/reference/pipeline.safetensors")))
            tensors = try SafeTensors(parsing: bytes)
        }
    }

    static let cases: [(String, SamplerKind)] = ["sd1", "sd2"].flatMap { model in
        SamplerKind.allCases.map { (model, $0) }
    }

    @Test(arguments: cases)
    func untiledRenderMatchesDiffusers(model: String, sampler: SamplerKind) throws {
        let reference = try Reference(model: model)
        let sd = try StableDiffusionModel(name: model, path: "\(Self.fixtures)/\(model)")
        let catalog = ModelCatalog(models: [model: sd])
        let parameters = RenderParameters(
            prompt: reference.prompt, negativePrompt: reference.negativePrompt, model: model,
            width: reference.width, height: reference.height, steps: reference.steps, sampler: sampler,
            guidanceScale: reference.guidance, seed: reference.seed, tiling: .none, tileSize: 64, tileOverlap: 0)
        let pool = WorkerPool(threadCount: 2)
        defer { pool.shutdown() }
        let renderer = try Renderer(parameters: parameters, catalog: catalog, pool: pool, state: nil)
        #expect(renderer.plan.tiles(step: 0).count == 1)
        try renderer.run()

        let expectedLatent = try reference.tensors.floats("\(sampler.rawValue)_latents")
        let error = Self.relativeL2(renderer.state.latent, expectedLatent)
        #expect(error <= 1e-4, "\(model) \(sampler): latent relative L2 error \(error)")

        let image = try renderer.decodeImage(pool: pool)
        let expectedImage = try reference.tensors.floats("\(sampler.rawValue)_image")
        #expect(expectedImage.count == image.pixels.count)
        var far = 0
        for (byte, value) in zip(image.pixels, expectedImage) {
            let expectedByte = (min(max(value, 0), 1) * 255).rounded(.toNearestOrEven)
            if abs(Float(byte) - expectedByte) > 2 { far += 1 }
        }
        #expect(
            Double(far) <= 0.001 * Double(image.pixels.count),
            "\(model) \(sampler): \(far) channel values off by more than 2/255")
    }

    static func relativeL2(_ a: [Float], _ b: [Float]) -> Double {
        guard a.count == b.count else { return .infinity }
        var difference = 0.0
        var norm = 0.0
        for (x, y) in zip(a, b) {
            difference += Double(x - y) * Double(x - y)
            norm += Double(y) * Double(y)
        }
        return (difference / max(norm, 1e-30)).squareRoot()
    }
}
