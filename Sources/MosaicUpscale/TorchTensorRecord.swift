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
