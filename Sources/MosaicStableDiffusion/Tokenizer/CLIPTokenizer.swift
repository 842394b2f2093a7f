import Foundation

/// CLIP's byte-level BPE tokenizer, giving exactly the ids of transformers' `CLIPTokenizer`
/// (transformers 5, backed by the `tokenizers` library): special tokens are split off the raw
/// text first (`AddedTokenSplitter`), the rest is normalized (`CLIPTextNormalizer`), pre-split
/// (`CLIPPreTokenizer`) and byte-level BPE encoded.
///
/// `encode` returns `maxLength` (77) ids: `<|startoftext|>`, at most 75 prompt tokens,
/// `<|endoftext|>`, then the pad token (SD 1.x: `<|endoftext|>` 49407; SD 2.x: `!` 0).
///
/// Reference: transformers 5.24.0 `src/transformers/models/clip/tokenization_clip.py` with
/// tokenizers 0.23.3.
public struct CLIPTokenizer: Sendable {
    /// Token -> id (`vocab.json`).
    public let vocabulary: [String: Int]
    /// `<|startoftext|>`'s id.
    public let bosTokenId: Int
    /// `<|endoftext|>`'s id (also the unknown token).
    public let eosTokenId: Int
    /// The pad token's id.
    public let padTokenId: Int
    /// Padded and truncated length, special tokens included.
    public let maxLength: Int

    private let mergeRanks: [String: Int]
    private let specialTokens: AddedTokenSplitter
    private let byteSymbols: [String]

    /// Loads `vocab.json` and `merges.txt`.
    public init(files: CLIPTokenizerFiles) throws(ModelLoadError) {
        let vocabulary = try Self.readVocabulary(files.vocabularyPath)
        func id(_ token: String) throws(ModelLoadError) -> Int {
            guard let id = vocabulary[token] else {
                throw .invalidTokenizer(path: files.vocabularyPath, reason: "no token '\(token)'")
            }
            return id
        }
        guard files.maxLength >= 2 else {
            let reason = "max length \(files.maxLength) leaves no room for the start and end tokens"
            throw .invalidTokenizer(path: files.vocabularyPath, reason: reason)
        }
        self.bosTokenId = try id("<|startoftext|>")
        self.eosTokenId = try id("<|endoftext|>")
        self.padTokenId = try id(files.padToken)
        self.vocabulary = vocabulary
        self.mergeRanks = try Self.readMerges(files.mergesPath)
        self.byteSymbols = ByteLevelAlphabet.symbols
        self.maxLength = files.maxLength
        var special = ["<|startoftext|>": bosTokenId, "<|endoftext|>": eosTokenId]
        special[files.padToken] = padTokenId  // SD 1.x pads with <|endoftext|> itself
        self.specialTokens = AddedTokenSplitter(tokens: special)
    }

    /// The ids the SD pipelines feed the text encoder: start token, the prompt's tokens
    /// truncated to `maxLength - 2`, end token, padding to `maxLength`.
    public func encode(_ text: String) -> [Int] {
        var ids = [bosTokenId]
        ids += tokenize(text).prefix(maxLength - 2)
        ids.append(eosTokenId)
        ids += Array(repeating: padTokenId, count: maxLength - ids.count)
        return ids
    }

    /// The prompt's token ids without special tokens, untruncated.
    public func tokenize(_ text: String) -> [Int] {
        var ids: [Int] = []
        for segment in specialTokens.split(text) {
            switch segment {
            case .token(let id):
                ids.append(id)
            case .text(let part):
                for piece in CLIPPreTokenizer.split(CLIPTextNormalizer.normalize(part)) {
                    for symbol in bpe(piece) { ids.append(vocabulary[symbol] ?? eosTokenId) }
                }
            }
        }
        return ids
    }

    /// Byte-level BPE of one pre-token: its UTF-8 bytes as byte symbols, `</w>` on the last,
    /// then the lowest-ranked adjacent pair merged until no pair has a rank.
    func bpe(_ piece: String) -> [String] {
        var symbols = piece.utf8.map { byteSymbols[Int($0)] }
        guard !symbols.isEmpty else { return [] }
        symbols[symbols.count - 1] += "</w>"
        while symbols.count > 1 {
            var best: (rank: Int, index: Int)? = nil
            for i in 0..<(symbols.count - 1) {
                if let rank = mergeRanks[symbols[i] + " " + symbols[i + 1]], rank < (best?.rank ?? Int.max) {
                    best = (rank, i)
                }
            }
            guard let best else { break }
            let first = symbols[best.index]
            let second = symbols[best.index + 1]
            var merged: [String] = []
            merged.reserveCapacity(symbols.count)
            var i = 0
            while i < symbols.count {
                if i < symbols.count - 1, symbols[i] == first, symbols[i + 1] == second {
                    merged.append(first + second)
                    i += 2
                } else {
                    merged.append(symbols[i])
                    i += 1
                }
            }
            symbols = merged
        }
        return symbols
    }

    private static func readVocabulary(_ path: String) throws(ModelLoadError) -> [String: Int] {
        guard FileSystem.exists(path) else { throw .missingFile(path: path) }
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            return try JSONDecoder().decode([String: Int].self, from: data)
        } catch {
            throw .invalidTokenizer(path: path, reason: "not a JSON object of token ids: \(error)")
        }
    }

    private static func readMerges(_ path: String) throws(ModelLoadError) -> [String: Int] {
        guard FileSystem.exists(path) else { throw .missingFile(path: path) }
        let text: String
        do { text = try String(contentsOf: URL(fileURLWithPath: path), encoding: .utf8) } catch {
            throw .invalidTokenizer(path: path, reason: "\(error)")
        }
        var ranks: [String: Int] = [:]
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("#version") { continue }
            let parts = line.split(separator: " ")
            guard parts.count == 2 else {
                throw .invalidTokenizer(path: path, reason: "merge line '\(line.prefix(40))' is not two symbols")
            }
            let key = String(parts[0]) + " " + String(parts[1])
            if ranks[key] == nil { ranks[key] = ranks.count }
        }
        return ranks
    }
}
