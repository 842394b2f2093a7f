import MosaicTensor

/// One weight tensor in its stored precision, pointing into its source's memory map.
///
/// `bytes` stays valid as long as this value (or the ``WeightSource`` that returned it) lives:
/// the tensor keeps the mapping it points into alive.
public struct WeightTensor: @unchecked Sendable {
    /// The tensor's full name in its model component (diffusers naming; a scoped view's
    /// prefix included).
    public let name: String
    /// The stored element type.
    public let dtype: WeightDType
    /// The shape, outermost dimension first (row-major, like PyTorch).
    public let shape: [Int]
    /// The stored little-endian elements.
    public let bytes: UnsafeRawBufferPointer

    /// What owns the memory of `bytes` (the memory map), kept alive with the tensor.
    public let owner: (any AnyObject & Sendable)?

    /// Creates a tensor description over `bytes`, owned by `owner` (nil when the caller keeps
    /// the memory alive).
    public init(
        name: String, dtype: WeightDType, shape: [Int], bytes: UnsafeRawBufferPointer,
        owner: (any AnyObject & Sendable)? = nil
    ) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.bytes = bytes
        self.owner = owner
    }

    /// The number of elements (the product of the shape; 1 for a scalar).
    public var elementCount: Int { shape.reduce(1, *) }

    /// Widens the elements to fp32 into `destination`, which must hold ``elementCount`` values.
    public func convert(into destination: UnsafeMutableBufferPointer<Float>) {
        let count = min(elementCount, destination.count, bytes.count / dtype.byteSize)
        guard count > 0, let source = bytes.baseAddress, let target = destination.baseAddress else { return }
        switch dtype {
        case .f32: HalfConversion.float32ToFloat32(source, target, count: count)
        case .f16: HalfConversion.float16ToFloat32(source, target, count: count)
        case .bf16: HalfConversion.bfloat16ToFloat32(source, target, count: count)
        }
    }

    /// The elements widened to fp32, flattened in row-major order.
    public func floats() -> [Float] {
        let count = elementCount
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            convert(into: buffer)
            initialized = count
        }
    }
}
