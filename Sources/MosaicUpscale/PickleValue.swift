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
