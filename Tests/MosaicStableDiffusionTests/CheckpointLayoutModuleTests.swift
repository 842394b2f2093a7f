import Foundation
import MosaicTensor
import Testing

@testable import MosaicStableDiffusion

/// The text encoder and VAE built from every checkpoint layout the loader opens (diffusers
/// folder fp32 and fp16 variant, original-layout single file) match the same references.
@Suite struct CheckpointLayoutModuleTests {
    static func checkpoints(_ model: String) throws -> [(String, any StableDiffusionCheckpoint)] {
        let folder = Fixtures.folder(model)
        return [
            ("folder", try StableDiffusionLoader.open(path: folder)),
            ("folder fp16", try StableDiffusionLoader.open(path: folder, variant: "fp16")),
            (
                "single file",
                try SingleFileCheckpoint(
                    path: Fixtures.singleFile(model),
                    options: .init(configDirectory: folder))
            ),
        ]
    }

    @Test(arguments: ["sd1", "sd2"])
    func textEncoderAndVAEMatchFromEveryLayout(model: String) throws {
        let ids = try Fixtures.rows(model, "text_encoder.safetensors", "input_ids")
        let hidden = try Fixtures.tensor(model, "text_encoder.safetensors", "last_hidden_state")
        let decoderIn = try Fixtures.tensor(model, "vae.safetensors", "decoder_in")
        let decoderOut = try Fixtures.tensor(model, "vae.safetensors", "decoder_out")
        let encoderIn = try Fixtures.tensor(model, "vae.safetensors", "encoder_in")
        let mean = try Fixtures.tensor(model, "vae.safetensors", "encoder_mean")
        for (layout, checkpoint) in try Self.checkpoints(model) {
            let encoder = try CLIPTextModel(config: checkpoint.textEncoderConfig, weights: checkpoint.textEncoder)
            let textError = relativeL2(try encoder(inputIds: ids).scalars, hidden.scalars)
            #expect(textError <= 1e-4, "\(model) \(layout): text encoder relative L2 \(textError)")
            let vae = try AutoencoderKL(config: checkpoint.vaeConfig, weights: checkpoint.vae)
            let decodeError = relativeL2(try vae.decode(decoderIn).scalars, decoderOut.scalars)
            #expect(decodeError <= 1e-4, "\(model) \(layout): decoder relative L2 \(decodeError)")
            let meanError = relativeL2(try vae.encode(encoderIn).mean.scalars, mean.scalars)
            #expect(meanError <= 1e-4, "\(model) \(layout): encoder mean relative L2 \(meanError)")
        }
    }
}
