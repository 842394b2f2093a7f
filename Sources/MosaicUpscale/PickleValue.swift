/// A value of the restricted pickle machine: plain data, tensor records and the few allowed globals.
indirect enum PickleValue {
    /// `None`.
    case none
    /// A boolean.
    case bool(Bool)
    /// An integer (at most 64 bits).
    case int(Int)
    /// A float.
    case float(Double)
    /// A string (unicode or bytes read as UTF-8).
    case string(String)
    /// A tuple.
    case tuple([PickleValue])
    /// A list, shared by reference as Python's is.
    case list(PickleList)
    /// A dict (or OrderedDict), shared by reference, in insertion order.
    case dict(PickleDict)
    /// An allowed global, before it is called by REDUCE.
    case global(AllowedGlobal)
    /// A storage named by a persistent id: `('storage', type, key, location, numel)`.
    case storage(TorchStorage)
    /// A tensor rebuilt by `_rebuild_tensor_v2`.
    case tensor(TorchTensorRecord)
    /// The MARK pseudo-value.
    case mark
}

/// A Python list under construction.
final class PickleList {
    var items: [PickleValue] = []
}

/// A Python dict under construction, keeping insertion order.
final class PickleDict {
    var items: [(key: PickleValue, value: PickleValue)] = []
}

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

/// A typed storage of a torch archive: the entry `data/<key>` holding `count` elements.
struct TorchStorage: Equatable {
    /// The element type.
    var dtype: WeightDType
    /// The entry name under `data/`.
    var key: String
    /// The number of elements.
    var count: Int
}

/// A tensor as `_rebuild_tensor_v2` describes it: a view of a storage.
struct TorchTensorRecord: Equatable {
    /// The storage it views.
    var storage: TorchStorage
    /// The first element's index in the storage.
    var offset: Int
    /// The shape.
    var shape: [Int]
    /// The stride of each dimension, in elements.
    var stride: [Int]
}
