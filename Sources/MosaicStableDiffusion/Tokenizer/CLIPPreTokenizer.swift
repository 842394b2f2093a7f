/// The pre-split of transformers 5's `CLIPTokenizer`, written out by hand instead of with a
/// regex engine: the matches of
///
///     <\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+
///
/// in order, whitespace between them dropped. At each position the alternatives are tried in
/// that order, as the regex does: special tokens, contractions, a run of letters, one number
/// character, a run of anything else that is not whitespace. The byte-level pre-tokenizer that
/// follows in `tokenizers` splits again with GPT-2's pattern; that changes only the special-token
/// pieces (which reach this point only when not matched as added tokens, as `<|ENDOFTEXT|>`
/// lowercased): `<|endoftext|>` becomes `<|`, `endoftext`, `|>`.
///
/// Reference: transformers 5.24.0 `src/transformers/models/clip/tokenization_clip.py` (its split
/// pattern) with tokenizers 0.23.3.
enum CLIPPreTokenizer {
    private static let specials: [[Unicode.Scalar]] = ["<|startoftext|>", "<|endoftext|>"].map {
        Array($0.unicodeScalars)
    }
    private static let contractions: [[Unicode.Scalar]] = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d"].map {
        Array($0.unicodeScalars)
    }

    /// The pieces of normalized `text`.
    static func split(_ text: String) -> [String] {
        let scalars = Array(text.unicodeScalars)
        var pieces: [String] = []
        var i = 0
        func piece(_ range: Range<Int>) -> String {
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[range])
            return String(view)
        }
        func matches(_ literal: [Unicode.Scalar], at position: Int) -> Bool {
            position + literal.count <= scalars.count
                && Array(scalars[position..<(position + literal.count)]) == literal
        }
        scanning: while i < scalars.count {
            let scalar = scalars[i]
            if scalar.properties.isWhitespace {
                i += 1
                continue
            }
            for literal in specials where matches(literal, at: i) {
                let end = i + literal.count
                pieces += [piece(i..<(i + 2)), piece((i + 2)..<(end - 2)), piece((end - 2)..<end)]
                i = end
                continue scanning
            }
            for literal in contractions where matches(literal, at: i) {
                pieces.append(piece(i..<(i + literal.count)))
                i += literal.count
                continue scanning
            }
            var end = i + 1
            if isLetter(scalar) {
                while end < scalars.count, isLetter(scalars[end]) { end += 1 }
            } else if !isNumber(scalar) {
                while end < scalars.count, !scalars[end].properties.isWhitespace, !isLetter(scalars[end]),
                    !isNumber(scalars[end])
                {
                    end += 1
                }
            }
            pieces.append(piece(i..<end))
            i = end
        }
        return pieces
    }

    /// `\p{L}`: Lu, Ll, Lt, Lm, Lo.
    static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    /// `\p{N}`: Nd, Nl, No.
    static func isNumber(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }
}
