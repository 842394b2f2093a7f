import Foundation
import MosaicTensor
import Testing

@testable import MosaicStableDiffusion

/// `AutoencoderKL` against diffusers' decoder and encoder outputs for the tiny SD 1.x and 2.x VAEs.
@Suite struct AutoencoderKLTests {
    static let cases: [(model: String, file: String)] = [
        ("sd1", "diffusion_pytorch_model.safetensors"), ("sd1", "diffusion_pytorch_model.fp16.safetensors"),
        ("sd2", "diffusion_pytorch_model.safetensors"), ("sd2", "diffusion_pytorch_model.fp16.safetensors"),
    ]

    static func load(_ model: String, _ file: String = "diffusion_pytorch_model.safetensors") throws -> AutoencoderKL {
        let folder = Fixtures.folder(model) + "/vae"
        let config = try VAEConfig.load(path: folder + "/config.json")
        return try AutoencoderKL(config: config, weights: try SafeTensorsWeights(path: folder + "/" + file))
    }

    @Test(arguments: cases)
    func decoderMatchesDiffusers(model: String, file: String) throws {
        let vae = try Self.load(model, file)
        let reference = "vae.safetensors"
        let expected = try Fixtures.tensor(model, reference, "decoder_out")
        let output = try vae.decode(try Fixtures.tensor(model, reference, "decoder_in"))
        #expect(output.shape == expected.shape)
        let error = relativeL2(output.scalars, expected.scalars)
        #expect(error <= 1e-4, "\(model)/\(file): decoder relative L2 \(error)")
    }

    @Test(arguments: cases)
    func encoderMatchesDiffusers(model: String, file: String) throws {
        let vae = try Self.load(model, file)
        let reference = "vae.safetensors"
        let posterior = try vae.encode(try Fixtures.tensor(model, reference, "encoder_in"))
        let mean = try Fixtures.tensor(model, reference, "encoder_mean")
        let logvar = try Fixtures.tensor(model, reference, "encoder_logvar")
        #expect(posterior.mean.shape == mean.shape)
        let meanError = relativeL2(posterior.mean.scalars, mean.scalars)
        let logvarError = relativeL2(posterior.logvar.scalars, logvar.scalars)
        #expect(meanError <= 1e-4, "\(model)/\(file): mean relative L2 \(meanError)")
        #expect(logvarError <= 1e-4, "\(model)/\(file): logvar relative L2 \(logvarError)")
    }

    @Test func scalingFactorComesFromTheConfig() throws {
        let vae = try Self.load("sd1")
        let recorded = try Fixtures.tensor("sd1", "vae.safetensors", "scaling_factor")
        #expect(Float(vae.config.scalingFactor) == recorded.scalars.first)
        #expect(vae.downsamplingFactor == 8)
    }

    @Test func rejectsBadShapes() throws {
        let vae = try Self.load("sd1")
        #expect(throws: VAEError.invalidInput(shape: [1, 3, 8, 8], expectedChannels: 4)) {
            _ = try vae.decode(Tensor(zeros: [1, 3, 8, 8]))
        }
        #expect(throws: VAEError.invalidImageSize(height: 60, width: 64, multiple: 8)) {
            _ = try vae.encode(Tensor(zeros: [1, 3, 60, 64]))
        }
    }
}
