/// Why the autoencoder refused its input; every case gives the shapes involved.
public enum VAEError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input is not `[batch, channels, H, W]` with the channels the model expects.
    case invalidInput(shape: [Int], expectedChannels: Int)
    /// An image to encode has a side that is not a multiple of the downsampling factor.
    case invalidImageSize(height: Int, width: Int, multiple: Int)
    /// A tiled decode was asked for a tile that is not positive.
    case invalidTileSize(Int)
    /// A caller's buffer does not hold the elements its shape needs.
    case bufferSize(name: String, expected: Int, actual: Int)
    /// A run of the flattened network stopped before its end (an internal inconsistency).
    case incompleteRun(operations: Int)

    /// A one-line explanation with the shapes.
    public var description: String {
        switch self {
        case .invalidInput(let shape, let channels):
            return "VAE input has shape \(shape), expected [batch, \(channels), H, W]"
        case .invalidImageSize(let height, let width, let multiple):
            return "VAE encoder input is \(width)x\(height), sides must be multiples of \(multiple)"
        case .invalidTileSize(let size):
            return "tiled VAE decode needs a positive tile size, got \(size)"
        case .bufferSize(let name, let expected, let actual):
            return "\(name) holds \(actual) elements, expected \(expected)"
        case .incompleteRun(let operations):
            return "VAE run of \(operations) operations stopped before its end"
        }
    }
}
