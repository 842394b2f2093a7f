import Foundation
import MosaicTensor
import Testing
@testable import MosaicStableDiffusion

/// Every fixture prompt's ids, exactly as transformers' CLIPTokenizer gives them, for SD 1.x
/// (pads with <|endoftext|>) and SD 2.x (pads with "!", id 0).
@Suite struct TokenizerFixtureTests {
    struct Prompts: Decodable {
        let prompts: [String]
        let pad_token_id: Int
        let ids_without_special_tokens_untruncated: [[Int]]
    }

    static func reference(_ model: String) throws -> (prompts: Prompts, ids: [[Int]]) {
        let prompts = try JSONDecoder().decode(
            Prompts.self, from: Data(contentsOf: URL(fileURLWithPath: Fixtures.reference(model, "tokenizer_prompts.json"))))
        let file = try MappedSafeTensors(path: Fixtures.reference(model, "tokenizer_ids.safetensors"))
        guard let info = file.info("input_ids") else { throw ModelLoadError.missingTensor(name: "input_ids", file: file.path) }
        let raw = file.bytes(of: info)
        let flat = (0..<(raw.count / 8)).map { Int(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self))) }
        let ids = stride(from: 0, to: flat.count, by: info.shape[1]).map { Array(flat[$0..<($0 + info.shape[1])]) }
        return (prompts, ids)
    }

    @Test(arguments: ["sd1", "sd2"]) func everyFixturePromptGivesTheReferenceIds(model: String) throws {
        let (reference, ids) = try Self.reference(model)
        let checkpoint = try StableDiffusionFolder(path: Fixtures.folder(model))
        let tokenizer = try CLIPTokenizer(files: checkpoint.tokenizerFiles)
        #expect(tokenizer.padTokenId == reference.pad_token_id)
        #expect(reference.prompts.count >= 40 && ids.count == reference.prompts.count)
        for (i, prompt) in reference.prompts.enumerated() {
            #expect(tokenizer.tokenize(prompt) == reference.ids_without_special_tokens_untruncated[i], "raw ids of \(prompt.debugDescription)")
            #expect(tokenizer.encode(prompt) == ids[i], "ids of \(prompt.debugDescription)")
        }
    }

    @Test func theShippedVocabularyServesSingleFiles() throws {
        let (reference, ids) = try Self.reference("sd2")
        let tokenizer = try CLIPTokenizer(files: try CLIPTokenizerFiles.bundled(padToken: "!"))
        #expect(tokenizer.vocabulary.count == 49408)
        #expect(tokenizer.bosTokenId == 49406 && tokenizer.eosTokenId == 49407 && tokenizer.padTokenId == 0)
        for (i, prompt) in reference.prompts.enumerated() { #expect(tokenizer.encode(prompt) == ids[i]) }
    }

    @Test func missingTokenizerFilesAreNamed() throws {
        #expect(throws: ModelLoadError.missingFile(path: "/nonexistent/vocab.json")) {
            try CLIPTokenizerFiles.folder("/nonexistent")
        }
    }
}
