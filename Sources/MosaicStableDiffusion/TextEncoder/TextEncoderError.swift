/// Why the text encoder refused its input; every case gives the values involved.
public enum TextEncoderError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A prompt has more tokens than the model has positions (`max_position_embeddings`).
    case tooManyTokens(count: Int, maximum: Int)
    /// A token id is outside the vocabulary.
    case invalidTokenID(id: Int, position: Int, vocabSize: Int)
    /// The prompts of one batch have different lengths (pad them to 77 first).
    case raggedBatch(lengths: [Int])
    /// `clip_skip` asks for more layers to be skipped than the model has.
    case invalidClipSkip(clipSkip: Int, layers: Int)

    /// A one-line explanation with the values.
    public var description: String {
        switch self {
        case .tooManyTokens(let count, let maximum):
            return "text encoder got \(count) tokens, at most \(maximum) fit"
        case .invalidTokenID(let id, let position, let vocabSize):
            return "token id \(id) at position \(position) is outside the vocabulary of \(vocabSize)"
        case .raggedBatch(let lengths):
            return "text encoder batch has prompts of different lengths \(lengths)"
        case .invalidClipSkip(let clipSkip, let layers):
            return "clip_skip \(clipSkip) is not below the \(layers) encoder layers"
        }
    }
}
