import Foundation
import MosaicTensor
import Testing

@testable import MosaicStableDiffusion

/// Tokenizer plus text encoder give what `StableDiffusionPipeline.encode_prompt` recorded for
/// the fixture pipeline's prompt and negative prompt (the UNet's `encoder_hidden_states`).
@Suite struct PromptEmbedsTests {
    /// `PIPELINE_ARGS` of scripts/sd_fixtures/make_fixtures.py.
    static let prompt = "a lighthouse on a cliff, stormy sea, oil painting"
    static let negativePrompt = "blurry, low quality"

    @Test(arguments: ["sd1", "sd2"])
    func promptEmbedsMatchEncodePrompt(model: String) throws {
        let checkpoint = try StableDiffusionLoader.open(path: Fixtures.folder(model))
        let tokenizer = try CLIPTokenizer(files: checkpoint.tokenizerFiles)
        let encoder = try CLIPTextModel(config: checkpoint.textEncoderConfig, weights: checkpoint.textEncoder)
        for (text, name) in [
            (Self.prompt, "pipeline_prompt_embeds"), (Self.negativePrompt, "pipeline_negative_prompt_embeds"),
        ] {
            let expected = try Fixtures.tensor(model, "text_encoder.safetensors", name)
            let output = try encoder(inputIds: [tokenizer.encode(text)])
            #expect(output.shape == expected.shape)
            let error = relativeL2(output.scalars, expected.scalars)
            #expect(error <= 1e-4, "\(model) \(name): relative L2 \(error)")
        }
    }
}
