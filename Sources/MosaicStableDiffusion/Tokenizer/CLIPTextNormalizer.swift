import Foundation

/// The normalizer of transformers 5's `CLIPTokenizer` (a `tokenizers` sequence): NFC, every
/// run of whitespace (Oniguruma's Unicode `\s`: the White_Space characters) replaced by one
/// space, then per-character full lowercase mapping (Rust's `char::to_lowercase`, which has no
/// context rules: a final capital sigma becomes σ, not ς). Leading and trailing spaces stay;
/// the pre-tokenizer drops them.
///
/// Reference: transformers 5.24.0 `src/transformers/models/clip/tokenization_clip.py` (its
/// normalizer) with tokenizers 0.23.3.
enum CLIPTextNormalizer {
    /// The normalized text.
    static func normalize(_ text: String) -> String {
        let composed = text.precomposedStringWithCanonicalMapping
        var spaced = String.UnicodeScalarView()
        var inWhitespace = false
        for scalar in composed.unicodeScalars {
            if scalar.properties.isWhitespace {
                if !inWhitespace { spaced.append(" ") }
                inWhitespace = true
            } else {
                spaced.append(scalar)
                inWhitespace = false
            }
        }
        var lowered = String.UnicodeScalarView()
        for scalar in spaced {
            let mapping = scalar.properties.lowercaseMapping
            lowered.append(contentsOf: mapping.unicodeScalars)
        }
        return String(lowered)
    }
}
