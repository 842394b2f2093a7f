// Checkpointing a TorchGenerator: the full state, so a restored generator continues
// the stream exactly.
//
// Encoded: the seed, the 624 Mersenne Twister words, the position in them, and the
// cached double normal sample (as its bit pattern, so no coder can round it).
// torch also has a float cache (`next_float_normal_sample_`), but only
// `normal_distribution<float>` sets it and `randn` never uses that on CPU, so it
// is always empty here and is not stored.

extension TorchGenerator {
    private enum CodingKeys: String, CodingKey {
        case version
        case initialSeed
        case words
        case index
        case cachedDoubleNormalBits
    }

    private static let encodingVersion = 1

    /// Restores a generator written by `encode(to:)`.
    ///
    /// Throws `DecodingError.dataCorrupted` when the version is unknown, there
    /// are not 624 words, or the index is outside 0...624.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let version = try container.decode(Int.self, forKey: .version)
        guard version == Self.encodingVersion else {
            throw DecodingError.dataCorruptedError(
                forKey: .version, in: container,
                debugDescription: "TorchGenerator state version \(version) is not supported "
                    + "(expected \(Self.encodingVersion))")
        }
        let seed = try container.decode(UInt64.self, forKey: .initialSeed)
        let words = try container.decode([UInt32].self, forKey: .words)
        let index = try container.decode(Int.self, forKey: .index)
        guard let engine = MersenneTwister(words: words, index: index) else {
            throw DecodingError.dataCorruptedError(
                forKey: .words, in: container,
                debugDescription: "TorchGenerator state needs \(MersenneTwister.stateSize) words and an index in "
                    + "0...\(MersenneTwister.stateSize); got \(words.count) words, index \(index)")
        }
        let cachedBits = try container.decodeIfPresent(UInt64.self, forKey: .cachedDoubleNormalBits)
        self.init(initialSeed: seed, engine: engine, cachedDoubleNormal: cachedBits.map(Double.init(bitPattern:)))
    }

    /// Writes the complete generator state (see the type's Codable notes).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.encodingVersion, forKey: .version)
        try container.encode(initialSeed, forKey: .initialSeed)
        try container.encode(engine.words, forKey: .words)
        try container.encode(engine.index, forKey: .index)
        try container.encodeIfPresent(cachedDoubleNormal?.bitPattern, forKey: .cachedDoubleNormalBits)
    }
}
