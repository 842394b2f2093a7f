/// An element type of a safetensors tensor, spelled as in the header's `dtype` field.
///
/// Every dtype of the format's reference implementation is recognised, so that a header from
/// another tool parses and validates; typed element access is offered for the ones Mosaic
/// stores (``f32``, ``u32``, ``i64``).
public enum SafeTensorsDType: String, Sendable, CaseIterable, Codable {
    /// Boolean, one byte.
    case bool = "BOOL"
    /// Unsigned 8-bit integer.
    case u8 = "U8"
    /// Signed 8-bit integer.
    case i8 = "I8"
    /// 8-bit float, E5M2.
    case f8e5m2 = "F8_E5M2"
    /// 8-bit float, E4M3.
    case f8e4m3 = "F8_E4M3"
    /// Signed 16-bit integer.
    case i16 = "I16"
    /// Unsigned 16-bit integer.
    case u16 = "U16"
    /// IEEE half-precision float.
    case f16 = "F16"
    /// bfloat16.
    case bf16 = "BF16"
    /// Signed 32-bit integer.
    case i32 = "I32"
    /// Unsigned 32-bit integer.
    case u32 = "U32"
    /// IEEE single-precision float.
    case f32 = "F32"
    /// IEEE double-precision float.
    case f64 = "F64"
    /// Signed 64-bit integer.
    case i64 = "I64"
    /// Unsigned 64-bit integer.
    case u64 = "U64"

    /// The size of one element in bytes.
    public var byteSize: Int {
        switch self {
        case .bool, .u8, .i8, .f8e5m2, .f8e4m3: return 1
        case .i16, .u16, .f16, .bf16: return 2
        case .i32, .u32, .f32: return 4
        case .f64, .i64, .u64: return 8
        }
    }
}
