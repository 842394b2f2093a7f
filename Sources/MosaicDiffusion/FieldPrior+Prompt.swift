/// The documented, deterministic mapping from a prompt to a `FieldPrior`.
///
/// 1. The prompt is lower-cased and split into words at every non-letter character.
/// 2. Starting from `FieldPrior.base`, every keyword rule below whose words occur applies once,
///    in table order (so the result does not depend on word order or repetition).
/// 3. A 64-bit FNV-1a hash of the normalised prompt (words joined by single spaces) jitters the
///    colour means, the slopes and the cutoffs by small amounts, so every prompt, even one without
///    keywords, gets its own look. The empty prompt gets no jitter: it is the unconditional prior.
extension FieldPrior {
    /// One keyword rule: any of `words` triggers `apply`.
    struct KeywordRule: Sendable {
        let words: Set<String>
        let effect: String
        let apply: @Sendable (inout FieldPrior) -> Void
    }

    /// The rules, in the order they apply. `effect` is what `mosaicd models` and the README show.
    static let keywordRules: [KeywordRule] = [
        KeywordRule(
            words: ["sunset", "dusk", "fire", "lava", "autumn", "warm", "golden"],
            effect: "warm palette: red +1.2, yellow +1.0"
        ) {
            $0.mean[1] += 1.2
            $0.mean[2] += 1.0
        },
        KeywordRule(
            words: ["ocean", "sea", "water", "sky", "ice", "winter", "cold", "blue"],
            effect: "cool palette: blue +1.2, green +0.3"
        ) {
            $0.mean[2] -= 1.2
            $0.mean[1] -= 0.3
        },
        KeywordRule(
            words: ["forest", "jungle", "grass", "meadow", "moss", "leaves", "green"],
            effect: "green palette: green +1.2"
        ) {
            $0.mean[1] -= 1.2
            $0.mean[2] += 0.3
        },
        KeywordRule(
            words: ["desert", "sand", "dune", "dunes", "ochre"],
            effect: "ochre palette, horizontal bands"
        ) {
            $0.mean[1] += 0.4
            $0.mean[2] += 0.9
            $0.anisotropyX *= 0.5
        },
        KeywordRule(
            words: ["night", "dark", "shadow", "shadows", "moonlit"],
            effect: "darker: lightness -1.2"
        ) { $0.mean[0] -= 1.2 },
        KeywordRule(
            words: ["bright", "day", "snow", "sunny", "light"],
            effect: "brighter: lightness +1.0"
        ) { $0.mean[0] += 1.0 },
        KeywordRule(
            words: ["vivid", "colorful", "colourful", "saturated", "rainbow"],
            effect: "colour variance x2"
        ) {
            $0.variance[1] *= 2
            $0.variance[2] *= 2
            $0.variance[3] *= 2
        },
        KeywordRule(
            words: ["muted", "grey", "gray", "foggy", "fog", "mist", "misty", "haze"],
            effect: "colour variance x0.3, lightness variance x0.6"
        ) {
            $0.variance[1] *= 0.3
            $0.variance[2] *= 0.3
            $0.variance[0] *= 0.6
        },
        KeywordRule(
            words: ["dramatic", "contrast", "storm", "stormy", "epic"],
            effect: "lightness variance x1.8"
        ) { $0.variance[0] *= 1.8 },
        KeywordRule(
            words: ["smooth", "calm", "soft", "clouds", "cloudy", "silk"],
            effect: "smoother: slopes +0.8"
        ) { prior in prior.slope = prior.slope.map { $0 + 0.8 } },
        KeywordRule(
            words: ["rough", "rocky", "detailed", "grainy", "gravel", "texture", "intricate"],
            effect: "rougher: slopes -0.8"
        ) { prior in prior.slope = prior.slope.map { $0 - 0.8 } },
        KeywordRule(
            words: ["horizon", "landscape", "waves", "strata", "horizontal", "panorama"],
            effect: "features stretched horizontally"
        ) { $0.anisotropyX *= 0.35 },
        KeywordRule(
            words: ["rain", "waterfall", "trees", "vertical", "columns", "towers"],
            effect: "features stretched vertically"
        ) { $0.anisotropyY *= 0.35 },
        KeywordRule(
            words: ["large", "vast", "huge", "giant", "wide"],
            effect: "larger features: cutoffs x0.5"
        ) { prior in prior.cutoff = prior.cutoff.map { $0 * 0.5 } },
        KeywordRule(
            words: ["small", "tiny", "pebbles", "dots", "cells", "mosaic"],
            effect: "smaller features: cutoffs x3"
        ) { prior in prior.cutoff = prior.cutoff.map { $0 * 3 } },
    ]

    /// The prior a prompt describes (see the type's documentation for the mapping).
    public init(prompt: String) {
        let words = Self.words(of: prompt)
        var prior = FieldPrior.base
        let present = Set(words)
        for rule in Self.keywordRules where !rule.words.isDisjoint(with: present) {
            rule.apply(&prior)
        }
        if !words.isEmpty {
            var hash = Self.fnv1a(words.joined(separator: " "))
            func jitter(_ amplitude: Float) -> Float {
                // Next 16 bits of the hash, mapped to [-amplitude, amplitude].
                let bits = Float(hash & 0xFFFF) / 65535
                hash = (hash >> 16) | (hash << 48)
                hash = hash &* 0x9E37_79B9_7F4A_7C15
                return (bits * 2 - 1) * amplitude
            }
            prior.mean[1] += jitter(0.6)
            prior.mean[2] += jitter(0.6)
            prior.mean[3] += jitter(1.0)
            for c in 0..<Self.channels { prior.slope[c] += jitter(0.3) }
            for c in 0..<Self.channels { prior.cutoff[c] *= 1 + jitter(0.35) }
        }
        self = prior
    }

    /// The prompt's words: lower-cased runs of letters.
    static func words(of prompt: String) -> [String] {
        prompt.lowercased().split(whereSeparator: { !$0.isLetter }).map(String.init)
    }

    /// 64-bit FNV-1a over the UTF-8 bytes.
    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}
