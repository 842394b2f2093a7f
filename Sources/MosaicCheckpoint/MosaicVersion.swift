// The version lives with the checkpoints, the lowest layer that records it: a checkpoint names
// the Mosaic that wrote it, and the render's output and the daemon's status reuse it.

/// The version of Mosaic, embedded in every output and checkpoint.
public enum MosaicVersion {
    /// Semantic version of this build.
    public static let current = "0.1.0"
}
