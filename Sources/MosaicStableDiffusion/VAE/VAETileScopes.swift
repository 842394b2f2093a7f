/// Over which pixels each GroupNorm of a tiled VAE run computes its statistics.
public enum VAEGroupNormScope: Sendable, Equatable {
    /// The whole image, gathered across tiles by re-running every tile up to each norm: equal
    /// to the whole-image run, at the cost of several whole-image runs (the "exact" mode).
    case exact
    /// A reduced copy of the input (at most one tile large, same per-channel mean and std) run
    /// once; every tile then runs once with its statistics (the Tiled VAE extension's "fast"
    /// mode): about one run's arithmetic plus one tile, and tiles agree in colour.
    case fast
    /// Each tile on its own: what a plain tiled run does (tiles disagree in colour).
    case tile
}

/// Which pixels the mid block's attention of a tiled VAE run sees as keys and values.
public enum VAEAttentionScope: Sendable, Equatable {
    /// Every pixel of the image (exact; keys and values of the whole image are kept, and the
    /// cost grows with the square of the pixel count).
    case wholeImage
    /// The pixels of the reduced copy that ``VAEGroupNormScope/fast`` runs (at most one tile).
    case reducedImage
    /// The tile's own pixels with the margin it computes at that step (bounded memory).
    case tile
}
