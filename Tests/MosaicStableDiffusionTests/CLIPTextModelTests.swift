import Foundation
import MosaicTensor
import Testing

@testable import MosaicStableDiffusion

/// `CLIPTextModel` against transformers' hidden states for the tiny SD 1.x (quick_gelu) and
/// SD 2.x (gelu) text encoders, from fp32 and fp16 weight files.
@Suite struct CLIPTextModelTests {
    static let cases: [(model: String, file: String)] = [
        ("sd1", "model.safetensors"), ("sd1", "model.fp16.safetensors"),
        ("sd2", "model.safetensors"), ("sd2", "model.fp16.safetensors"),
    ]

    static func load(_ model: String, _ file: String) throws -> CLIPTextModel {
        let folder = Fixtures.folder(model) + "/text_encoder"
        let config = try CLIPTextConfig.load(path: folder + "/config.json")
        let weights = try SafeTensorsWeights(path: folder + "/" + file)
        return try CLIPTextModel(config: config, weights: weights)
    }

    @Test(arguments: cases)
    func lastHiddenStateMatchesTransformers(model: String, file: String) throws {
        let encoder = try Self.load(model, file)
        let reference = "text_encoder.safetensors"
        let ids = try Fixtures.rows(model, reference, "input_ids")
        let expected = try Fixtures.tensor(model, reference, "last_hidden_state")
        let output = try encoder(inputIds: ids)
        #expect(output.shape == expected.shape)
        let error = relativeL2(output.scalars, expected.scalars)
        #expect(error <= 1e-4, "\(model)/\(file): relative L2 \(error)")
    }

    @Test func rejectsBadInput() throws {
        let encoder = try Self.load("sd1", "model.safetensors")
        #expect(throws: TextEncoderError.tooManyTokens(count: 78, maximum: 77)) {
            _ = try encoder(inputIds: [[Int](repeating: 1, count: 78)])
        }
        #expect(throws: TextEncoderError.invalidTokenID(id: 49408, position: 1, vocabSize: 49408)) {
            _ = try encoder(inputIds: [[49406, 49408]])
        }
        #expect(throws: TextEncoderError.raggedBatch(lengths: [2, 1])) {
            _ = try encoder(inputIds: [[1, 2], [1]])
        }
    }

    @Test func shapeMismatchNamesTheTensor() throws {
        var config = try CLIPTextConfig.load(path: Fixtures.folder("sd1") + "/text_encoder/config.json")
        config.intermediateSize += 1
        let weights = try SafeTensorsWeights(path: Fixtures.folder("sd1") + "/text_encoder/model.safetensors")
        #expect(throws: ModelLoadError.self) { _ = try CLIPTextModel(config: config, weights: weights) }
        do {
            _ = try CLIPTextModel(config: config, weights: weights)
        } catch {
            #expect(error.description.contains("mlp.fc1.weight"), "\(error)")
        }
    }
}
