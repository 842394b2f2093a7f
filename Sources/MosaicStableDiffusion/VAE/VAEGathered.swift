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

/// How a program run ended: with the network's output, or stopped at a gathering point.
enum VAERunResult: Sendable {
    /// The output of the whole program.
    case output(Tensor)
    /// The owned region's partial statistics of the `groupNorm` it stopped at.
    case statistics(GroupNormStatistics)
    /// The keys and values (`tokens x channels`) of the owned pixels at the attention it
    /// stopped at, row-major over them.
    case keysValues(keys: [Float], values: [Float])
    /// The output and what the run computed from its own tensor at every norm and attention.
    case recorded(Tensor, VAEGathered)

    /// The output, when the run went to the end.
    var output: Tensor? {
        switch self {
        case .output(let tensor), .recorded(let tensor, _): return tensor
        default: return nil
        }
    }
}
