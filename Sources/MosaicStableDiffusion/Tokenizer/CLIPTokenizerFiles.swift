import Foundation

/// Where a CLIP tokenizer's `vocab.json` and `merges.txt` are, and how it pads.
///
/// A diffusers folder has them in `tokenizer/`; an original-layout checkpoint does not carry
/// them, so the package ships OpenAI CLIP's files (MIT license, see
/// `Sources/MosaicStableDiffusion/Resources/clip-tokenizer/LICENSE`), found by ``bundled(padToken:)``.
public struct CLIPTokenizerFiles: Sendable, Equatable {
    /// Path of `vocab.json` (token -> id).
    public var vocabularyPath: String
    /// Path of `merges.txt` (BPE merges by rank).
    public var mergesPath: String
    /// The padding token: `<|endoftext|>` for SD 1.x, `!` (id 0) for SD 2.x's tokenizer.
    public var padToken: String
    /// Padded and truncated length (`model_max_length`, 77).
    public var maxLength: Int

    /// The files at explicit paths.
    public init(vocabularyPath: String, mergesPath: String, padToken: String, maxLength: Int = 77) {
        self.vocabularyPath = vocabularyPath
        self.mergesPath = mergesPath
        self.padToken = padToken
        self.maxLength = maxLength
    }

    /// The environment variable naming a directory holding `vocab.json` and `merges.txt`,
    /// searched first by ``bundled(padToken:)``.
    public static let environmentVariable = "MOSAIC_CLIP_TOKENIZER_DIR"

    /// The files of a transformers tokenizer folder; the pad token and length are read from
    /// `tokenizer_config.json` (or `special_tokens_map.json`), defaulting to SD 1.x's.
    public static func folder(_ directory: String) throws(ModelLoadError) -> CLIPTokenizerFiles {
        let vocab = FileSystem.join(directory, "vocab.json")
        let merges = FileSystem.join(directory, "merges.txt")
        guard FileSystem.exists(vocab) else { throw .missingFile(path: vocab) }
        guard FileSystem.exists(merges) else { throw .missingFile(path: merges) }
        var padToken = "<|endoftext|>"
        var maxLength = 77
        for name in ["special_tokens_map.json", "tokenizer_config.json"] {
            let path = FileSystem.join(directory, name)
            guard FileSystem.exists(path) else { continue }
            let object = try jsonObject(path)
            if let pad = tokenText(object["pad_token"]) { padToken = pad }
            if let length = object["model_max_length"] as? Int, length > 0, length < 1_000_000 { maxLength = length }
        }
        return CLIPTokenizerFiles(vocabularyPath: vocab, mergesPath: merges, padToken: padToken, maxLength: maxLength)
    }

    /// The shipped OpenAI CLIP files: from `$MOSAIC_CLIP_TOKENIZER_DIR`, then
    /// `<executable>/../share/mosaic/clip-tokenizer`, then this package's source tree.
    public static func bundled(padToken: String) throws(ModelLoadError) -> CLIPTokenizerFiles {
        var candidates: [String] = []
        if let directory = ProcessInfo.processInfo.environment[environmentVariable], !directory.isEmpty {
            candidates.append(directory)
        }
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        candidates.append(
            executable.deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("share/mosaic/clip-tokenizer").path)
        candidates.append(
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("Resources/clip-tokenizer").path)
        for directory in candidates {
            let vocab = FileSystem.join(directory, "vocab.json")
            let merges = FileSystem.join(directory, "merges.txt")
            if FileSystem.exists(vocab), FileSystem.exists(merges) {
                return CLIPTokenizerFiles(vocabularyPath: vocab, mergesPath: merges, padToken: padToken)
            }
        }
        throw .missingFile(
            path:
                "clip-tokenizer/vocab.json (searched: \(candidates.joined(separator: ", ")); set \(environmentVariable))"
        )
    }

    private static func jsonObject(_ path: String) throws(ModelLoadError) -> [String: Any] {
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw ModelLoadError.invalidTokenizer(path: path, reason: "not a JSON object")
            }
            return object
        } catch let error as ModelLoadError {
            throw error
        } catch {
            throw .invalidTokenizer(path: path, reason: "\(error)")
        }
    }

    /// A special token written as a string or as an `AddedToken` object with `content`.
    private static func tokenText(_ value: Any?) -> String? {
        if let text = value as? String { return text }
        if let object = value as? [String: Any], let text = object["content"] as? String { return text }
        return nil
    }
}
