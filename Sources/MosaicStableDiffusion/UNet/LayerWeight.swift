import MosaicTensor

/// How a model keeps its large weight matrices in memory.
public enum WeightPrecisionPolicy: Sendable {
    /// In their stored precision (fp16, bf16 or fp32), widened to fp32 into a reused scratch buffer
    /// (`WeightWidening.scratch`, up to the largest layer, 118 MB for SD 1.5, per concurrent
    /// caller) at every use: an fp16 SD 1.5 UNet stays at 1.7 GB; each forward pass widens 860 M values.
    case stored
    /// Widened once at load into an fp32 copy per layer (4 bytes per parameter: 3.4 GB for
    /// SD 1.5), for the fastest forward passes when memory allows.
    case cacheFloat32
}

/// One weight matrix (a conv kernel or linear weight) in its stored precision, lent out as fp32.
///
/// fp32 weights whose bytes are 4-byte aligned are used in place; others are widened per use
/// (or once, into a cache, under `WeightPrecisionPolicy.cacheFloat32`). Small vectors (biases,
/// norm scales) are always widened at load, see `UNetParameters`.
public struct LayerWeight: @unchecked Sendable {
    /// The stored tensor (its bytes live as long as the weight source).
    public let tensor: WeightTensor
    private let cache: FloatBuffer?

    /// Reads `name` from `weights`, checking its shape.
    public init(_ weights: any WeightSource, _ name: String, shape: [Int], policy: WeightPrecisionPolicy)
        throws(ModelLoadError)
    {
        let tensor = try weights.tensor(named: name)
        guard tensor.shape == shape else {
            throw .shapeMismatch(
                name: UNetParameters.fullName(name, in: weights),
                expected: shape, actual: tensor.shape)
        }
        self.tensor = tensor
        let usableInPlace = tensor.dtype == .f32 && Int(bitPattern: tensor.bytes.baseAddress) % 4 == 0
        self.cache = (policy == .cacheFloat32 && !usableInPlace) ? FloatBuffer(tensor) : nil
    }

    /// Number of elements.
    public var count: Int { tensor.elementCount }

    /// Calls `body` with the weights as fp32, widening them (split over `context`) when needed.
    public func withFloats<R>(context: ComputeContext, _ body: (UnsafePointer<Float>) -> R) -> R {
        if let cache { return body(cache.pointer) }
        if tensor.dtype == .f32, let base = tensor.bytes.baseAddress, Int(bitPattern: base) % 4 == 0 {
            return body(base.assumingMemoryBound(to: Float.self))
        }
        let n = count
        let scratch = WeightWidening.scratch(count: n)
        defer { WeightWidening.recycle(scratch) }
        let tensor = self.tensor
        context.parallelRanges(n, align: 1 << 14) { range in
            Self.widen(tensor, range: range, into: scratch.pointer + range.lowerBound)
        }
        return body(scratch.pointer)
    }

    /// Widens elements `range` of `tensor` to fp32 at `destination`.
    static func widen(_ tensor: WeightTensor, range: Range<Int>, into destination: UnsafeMutablePointer<Float>) {
        guard let base = tensor.bytes.baseAddress, range.upperBound * tensor.dtype.byteSize <= tensor.bytes.count else {
            return
        }
        let source = base + range.lowerBound * tensor.dtype.byteSize
        switch tensor.dtype {
        case .f32: HalfConversion.float32ToFloat32(source, destination, count: range.count)
        case .f16: WeightWidening.float16(source, destination, count: range.count)
        case .bf16: WeightWidening.bfloat16(source, destination, count: range.count)
        }
    }
}

/// An fp32 copy of a weight tensor in memory of its own (the `cacheFloat32` policy).
final class FloatBuffer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>

    init(_ tensor: WeightTensor) {
        let n = tensor.elementCount
        pointer = .allocate(capacity: max(n, 1))
        pointer.initialize(repeating: 0, count: max(n, 1))
        LayerWeight.widen(tensor, range: 0..<n, into: pointer)
    }

    deinit { pointer.deallocate() }
}
