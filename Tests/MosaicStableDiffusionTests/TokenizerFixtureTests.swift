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
            Prompts.self,
            from: Data(contentsOf: URL(fileURLWithPath: Fixtures.reference(model, "tokenizer_prompts.json"))))
        let (shape, flat) = try Fixtures.int64s(model, "tokenizer_ids.safetensors", "input_ids")
        let ids = stride(from: 0, to: flat.count, by: shape[1]).map { Array(flat[$0..<($0 + shape[1])]) }
        return (prompts, ids)
    }

    @Test(arguments: ["sd1", "sd2"]) func everyFixturePromptGivesTheReferenceIds(model: String) throws {
        let (reference, ids) = try Self.reference(model)
        let checkpoint = try StableDiffusionFolder(path: Fixtures.folder(model))
        let tokenizer = try CLIPTokenizer(files: checkpoint.tokenizerFiles)
        #expect(tokenizer.padTokenId == reference.pad_token_id)
        #expect(reference.prompts.count >= 40 && ids.count == reference.prompts.count)
        for (i, prompt) in reference.prompts.enumerated() {
            #expect(
                tokenizer.tokenize(prompt) == reference.ids_without_special_tokens_untruncated[i],
                "raw ids of \(prompt.debugDescription)")
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

/// Tokenizer folders written by older transformers spell special tokens as AddedToken objects.
@Suite struct TokenizerFilesTests {
    @Test func padTokenObjectsAndMaxLengthAreRead() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mosaic-tok-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let bundled = try CLIPTokenizerFiles.bundled(padToken: "!")
        for (name, source) in [("vocab.json", bundled.vocabularyPath), ("merges.txt", bundled.mergesPath)] {
            try FileManager.default.copyItem(atPath: source, toPath: directory.appendingPathComponent(name).path)
        }
        let config = #"{"pad_token": {"content": "!", "lstrip": false}, "model_max_length": 16}"#
        try Data(config.utf8).write(to: directory.appendingPathComponent("tokenizer_config.json"))
        let files = try CLIPTokenizerFiles.folder(directory.path)
        #expect(files.padToken == "!" && files.maxLength == 16)
        let tokenizer = try CLIPTokenizer(files: files)
        let ids = tokenizer.encode(String(repeating: "cat ", count: 30))
        #expect(ids.count == 16 && ids.first == 49406 && ids.last == 49407)
        #expect(
            tokenizer.encode("a photo of a cat") == [49406, 320, 1125, 539, 320, 2368, 49407]
                + Array(repeating: 0, count: 9))
    }
}
