import MosaicTensor

/// What a tiled run has gathered from the whole image so far, keyed by operation index: the
/// GroupNorm statistics of each norm and the keys and values of each attention.
struct VAEGathered: Sendable {
    /// Whole-image statistics of the `groupNorm` operation at each index.
    var statistics: [Int: GroupNormStatistics] = [:]
    /// Whole-image keys and values of the `attention` operation at each index.
    var keysValues: [Int: AttentionKeysValues] = [:]
}

/// The keys and values of every pixel of the image at an attention's resolution, `count x channels` each.
struct AttentionKeysValues: Sendable {
    var keys: [Float]
    var values: [Float]
    var count: Int
}

/// The part of a tile's tensor that the tile owns (its halo excluded), in latent pixels from the
/// tile tensor's origin; at a resolution `scale` times the latent's it is `scale` times larger.
struct VAETileRegion: Sendable, Equatable {
    var top: Int
    var left: Int
    var height: Int
    var width: Int

    /// Rows of the owned part at `scale`.
    func rows(scale: Int) -> Range<Int> { top * scale..<(top + height) * scale }
    /// Columns of the owned part at `scale`.
    func columns(scale: Int) -> Range<Int> { left * scale..<(left + width) * scale }
}

/// How a program run ended: with the network's output, or stopped at a gathering point.
enum VAERunResult: Sendable {
    /// The output of the whole program.
    case output(Tensor)
    /// The owned region's partial statistics of the `groupNorm` it stopped at.
    case statistics(GroupNormStatistics)
    /// The keys and values (`tokens x channels`) of the owned region's pixels at the attention
    /// it stopped at, row-major over the region, and the resolution's scale.
    case keysValues(keys: [Float], values: [Float], scale: Int)

    /// The output, when the run went to the end.
    var output: Tensor? {
        if case .output(let tensor) = self { return tensor }
        return nil
    }
}
