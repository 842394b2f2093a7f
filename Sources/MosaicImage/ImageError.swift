// Errors raised when an RGBImage is constructed from inconsistent sizes.

/// Why an `RGBImage` could not be created.
public enum ImageError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A side is below 1 px, or `width * height * 3` does not fit in `Int`.
    case invalidDimensions(width: Int, height: Int)
    /// The sample buffer does not hold exactly `width * height * 3` bytes.
    case sampleCountMismatch(width: Int, height: Int, expected: Int, actual: Int)

    /// A one-line explanation naming the offending sizes.
    public var description: String {
        switch self {
        case .invalidDimensions(let width, let height):
            return "invalid image size \(width)x\(height) px: sides must be at least 1 px"
                + " and width * height * 3 must fit in memory"
        case .sampleCountMismatch(let width, let height, let expected, let actual):
            return "a \(width)x\(height) RGB image needs \(expected) bytes, got \(actual)"
        }
    }
}
