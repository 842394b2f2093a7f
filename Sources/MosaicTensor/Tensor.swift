/// A dense float32 tensor in row-major (C-contiguous) order, like a contiguous torch tensor.
///
/// Latents use the NCHW layout of diffusers, so element order matches `torch.randn` draws.
public struct Tensor: Sendable, Equatable {
    /// The extent of each dimension, outermost first.
    public let shape: [Int]
    /// The elements in row-major order; `scalars.count` equals the product of `shape`.
    public var scalars: [Float]

    /// Creates a tensor from its shape and elements.
    public init(shape: [Int], scalars: [Float]) throws(TensorError) {
        guard shape.allSatisfy({ $0 >= 0 }) else { throw .negativeDimension(shape: shape) }
        let count = shape.reduce(1, *)
        guard count == scalars.count else {
            throw .elementCountMismatch(shape: shape, expected: count, actual: scalars.count)
        }
        self.shape = shape
        self.scalars = scalars
    }

    /// Creates a tensor of zeros.
    public init(zeros shape: [Int]) {
        self.shape = shape.map { max($0, 0) }
        self.scalars = [Float](repeating: 0, count: self.shape.reduce(1, *))
    }

    /// The number of elements.
    public var count: Int { scalars.count }
}

/// Errors raised when a tensor's shape and data disagree.
public enum TensorError: Error, Equatable, CustomStringConvertible {
    /// A dimension was negative.
    case negativeDimension(shape: [Int])
    /// The element count does not match the shape.
    case elementCountMismatch(shape: [Int], expected: Int, actual: Int)

    public var description: String {
        switch self {
        case .negativeDimension(let shape):
            return "tensor shape \(shape) has a negative dimension"
        case .elementCountMismatch(let shape, let expected, let actual):
            return "tensor shape \(shape) needs \(expected) elements, got \(actual)"
        }
    }
}
