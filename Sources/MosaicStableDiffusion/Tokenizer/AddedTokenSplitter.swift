/// The first step of a `tokenizers` tokenizer: the special tokens (`<|startoftext|>`,
/// `<|endoftext|>` and the pad token) are found in the raw text, leftmost and longest first,
/// and become their ids directly; only the text between them is normalized and BPE-encoded.
/// This matters for SD 2.x, whose pad token is `!`: every `!` in a prompt becomes id 0.
///
/// Reference: tokenizers 0.23.3 `tokenizers/src/tokenizer/added_vocabulary.rs`, as transformers
/// 5.24.0's `CLIPTokenizer` uses it.
struct AddedTokenSplitter: Sendable {
    /// A piece of the raw text.
    enum Segment: Equatable {
        /// Text to normalize and encode.
        case text(String)
        /// A special token's id.
        case token(Int)
    }

    private let tokens: [(scalars: [Unicode.Scalar], id: Int)]

    /// A splitter for `tokens` (text -> id).
    init(tokens: [String: Int]) {
        self.tokens = tokens.map { (Array($0.key.unicodeScalars), $0.value) }
            .filter { !$0.0.isEmpty }
            .sorted { $0.0.count > $1.0.count }
    }

    /// `text` cut at every special token.
    func split(_ text: String) -> [Segment] {
        let scalars = Array(text.unicodeScalars)
        var segments: [Segment] = []
        var start = 0
        var i = 0
        func flush(_ end: Int) {
            guard end > start else { return }
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[start..<end])
            segments.append(.text(String(view)))
        }
        while i < scalars.count {
            let match = tokens.first { token in
                i + token.scalars.count <= scalars.count
                    && scalars[i..<(i + token.scalars.count)].elementsEqual(token.scalars)
            }
            if let match {
                flush(i)
                segments.append(.token(match.id))
                i += match.scalars.count
                start = i
            } else {
                i += 1
            }
        }
        flush(scalars.count)
        return segments
    }
}
