/// The storage precision of a weight tensor; every weight is computed in fp32.
public enum WeightDType: String, Sendable, CaseIterable {
    /// IEEE single precision.
    case f32
    /// IEEE half precision.
    case f16
    /// bfloat16.
    case bf16

    /// The size of one element in bytes.
    public var byteSize: Int { self == .f32 ? 4 : 2 }
}
