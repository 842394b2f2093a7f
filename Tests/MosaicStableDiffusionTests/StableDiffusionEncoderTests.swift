import Foundation
import MosaicDiffusion
import MosaicTensor
import Testing

@testable import MosaicStableDiffusion

/// The SD VAE as a ``LatentEncoder`` on 8-bit pixels, against diffusers' `vae.encode` of the
/// image as `VaeImageProcessor.preprocess` prepares it (`reference/img2img.safetensors`).
@Suite struct StableDiffusionEncoderTests {
    @Test(arguments: ["sd1", "sd2"])
    func encoderOfPixelsMatchesDiffusers(model: String) throws {
        let vae = try AutoencoderKLTests.load(model)
        let file = Fixtures.reference(model, "img2img.safetensors")
        let tensors = try SafeTensors(parsing: [UInt8](try Data(contentsOf: URL(fileURLWithPath: file))))
        let info = try #require(tensors.info("init_image"))
        let pixels = tensors.withDataSection { Array($0[info.dataRange]) }
        let (height, width) = (info.shape[0], info.shape[1])
        let pool = WorkerPool(threadCount: 1)
        defer { pool.shutdown() }
        let distribution = try pixels.withUnsafeBufferPointer { rgb in
            try StableDiffusionEncoder(vae: vae).encode(rgb: rgb, width: width, height: height, pool: pool)
        }
        let mean = try tensors.floats("encoder_mean")
        let std = try tensors.floats("encoder_std")
        let meanError = relativeL2(distribution.mean, mean)
        let stdError = relativeL2(distribution.std, std)
        #expect(meanError <= 1e-4, "\(model): mean relative L2 \(meanError)")
        #expect(stdError <= 1e-4, "\(model): std relative L2 \(stdError)")
        #expect(distribution.scalingFactor == Float(vae.config.scalingFactor))

        // sample = scaling_factor * (mean + std * randn), randn from the generator.
        var generator = TorchGenerator(seed: 9)
        let sample = distribution.sample(generator: &generator)
        var replay = TorchGenerator(seed: 9)
        let eps = replay.normal(count: mean.count)
        for i in sample.indices {
            let expected = (distribution.mean[i] + distribution.std[i] * eps[i]) * distribution.scalingFactor
            #expect(sample[i] == expected)
        }
        #expect(generator == replay)
    }

    @Test func preprocessingMapsBytesToMinusOneToOne() {
        let rgb: [UInt8] = [0, 255, 128, 64, 32, 16]
        let planar = rgb.withUnsafeBufferPointer { StableDiffusionEncoder.preprocess($0, width: 2, height: 1) }
        #expect(planar[0] == -1 && planar[2] == 1)  // red of both pixels
        #expect(planar[1] == 2 * (Float(64) / 255) - 1)
        #expect(planar[4] == 2 * (Float(128) / 255) - 1)
    }
}
