/// Why an image could not be encoded.
public enum LatentEncoderError: Error, Equatable, CustomStringConvertible {
    /// The image's size or a buffer does not fit the encoder.
    case shapeMismatch(reason: String)

    public var description: String {
        switch self {
        case .shapeMismatch(let reason): return "cannot encode the image: \(reason)"
        }
    }
}
