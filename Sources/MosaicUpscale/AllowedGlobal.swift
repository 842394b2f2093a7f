/// The globals a state dict needs; any other name is refused when the pickle names it.
enum AllowedGlobal: Equatable {
    /// `collections.OrderedDict` (called with no arguments: an empty dict).
    case orderedDict
    /// `torch._utils._rebuild_tensor_v2`.
    case rebuildTensor
    /// `torch._utils._rebuild_parameter` (a saved `nn.Parameter`: its data).
    case rebuildParameter
    /// `torch.FloatStorage`, `torch.HalfStorage` or `torch.BFloat16Storage`.
    case storageType(WeightDType)

    /// The global for `module.name`, or nil when it is not allowed.
    init?(module: String, name: String) {
        switch (module, name) {
        case ("collections", "OrderedDict"): self = .orderedDict
        case ("torch._utils", "_rebuild_tensor_v2"): self = .rebuildTensor
        case ("torch._utils", "_rebuild_parameter"): self = .rebuildParameter
        case ("torch", "FloatStorage"): self = .storageType(.f32)
        case ("torch", "HalfStorage"): self = .storageType(.f16)
        case ("torch", "BFloat16Storage"): self = .storageType(.bf16)
        default: return nil
        }
    }
}
