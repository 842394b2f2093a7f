import MosaicTensor

/// The element types an upscaler's weights may be stored in.
public enum WeightDType: String, Sendable {
    /// IEEE single precision.
    case f32 = "F32"
    /// IEEE half precision.
    case f16 = "F16"
    /// bfloat16.
    case bf16 = "BF16"

    /// Bytes per element.
    public var byteSize: Int { self == .f32 ? 4 : 2 }

    /// Widens `count` little-endian elements at `source` (any alignment) to fp32.
    func widen(_ source: UnsafeRawPointer, into destination: UnsafeMutablePointer<Float>, count: Int) {
        switch self {
        case .f32: HalfConversion.float32ToFloat32(source, destination, count: count)
        case .f16: HalfConversion.float16ToFloat32(source, destination, count: count)
        case .bf16: HalfConversion.bfloat16ToFloat32(source, destination, count: count)
        }
    }
}
