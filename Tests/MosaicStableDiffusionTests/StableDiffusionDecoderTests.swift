import Foundation
import MosaicTensor
import Testing

@testable import MosaicStableDiffusion

/// The render's decoder: the pipeline's final latents through `StableDiffusionDecoder` give the
/// bytes of diffusers' `output_type="np"` images.
@Suite struct StableDiffusionDecoderTests {
    @Test(arguments: ["sd1", "sd2"])
    func pipelineLatentsDecodeToPipelineImage(model: String) throws {
        let vae = try AutoencoderKLTests.load(model)
        let reference = "pipeline.safetensors"
        let pool = WorkerPool(threadCount: 2)
        defer { pool.shutdown() }
        for sampler in ["euler"] {
            let latents = try Fixtures.tensor(model, reference, "\(sampler)_latents")
            let image = try Fixtures.tensor(model, reference, "\(sampler)_image")
            let (_, _, height, width) = latents.nchw
            var rgb = [UInt8](repeating: 0, count: 3 * 64 * width * height)
            try latents.scalars.withUnsafeBufferPointer { latent in
                try rgb.withUnsafeMutableBufferPointer { out in
                    // Tiles of 5 latent pixels: four uneven tiles at 8x8.
                    try StableDiffusionDecoder(vae: vae, tileSize: 5).decode(
                        latent: latent, width: width, height: height,
                        into: out, pool: pool)
                }
            }
            let expected = image.scalars.map { UInt8(($0 * 255).rounded(.toNearestOrEven)) }
            let differences = zip(rgb, expected).map { abs(Int($0) - Int($1)) }
            let exact = Double(differences.filter { $0 == 0 }.count) / Double(differences.count)
            #expect((differences.max() ?? 0) <= 1, "\(model)/\(sampler): max byte difference \(differences.max() ?? 0)")
            #expect(exact >= 0.99, "\(model)/\(sampler): \(exact) of bytes exact")
        }
    }

    @Test func byteConversionMatchesVaeImageProcessor() {
        #expect(StableDiffusionDecoder.byte(-2) == 0)
        #expect(StableDiffusionDecoder.byte(1.5) == 255)
        #expect(StableDiffusionDecoder.byte(0) == 128)  // 0.5 * 255 = 127.5 rounds to even: 128
        #expect(StableDiffusionDecoder.byte(-1) == 0)
        #expect(StableDiffusionDecoder.byte(1) == 255)
    }

    @Test func rejectsWrongBufferSizes() throws {
        let vae = try AutoencoderKLTests.load("sd1")
        let pool = WorkerPool(threadCount: 1)
        defer { pool.shutdown() }
        let latent = [Float](repeating: 0, count: 4 * 2 * 2)
        var rgb = [UInt8](repeating: 0, count: 10)
        #expect(throws: VAEError.bufferSize(name: "rgb", expected: 3 * 16 * 16, actual: 10)) {
            try latent.withUnsafeBufferPointer { l in
                try rgb.withUnsafeMutableBufferPointer { r in
                    try StableDiffusionDecoder(vae: vae).decode(latent: l, width: 2, height: 2, into: r, pool: pool)
                }
            }
        }
    }
}
