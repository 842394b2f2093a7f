/// A set of named weight tensors (one model component: UNet, VAE or text encoder), named as
/// diffusers names them, whatever the file layout on disk.
public protocol WeightSource: Sendable {
    /// The tensor named `name`, in its stored precision.
    func tensor(named name: String) throws(ModelLoadError) -> WeightTensor
    /// Whether a tensor named `name` exists.
    func contains(_ name: String) -> Bool
    /// Every tensor name, sorted.
    var tensorNames: [String] { get }
    /// Drops memory-mapped weights from the process's resident set until they are read again
    /// (no effect on weights held in memory).
    func dropResidentPages()
}

extension WeightSource {
    /// Nothing is mapped: nothing to drop.
    public func dropResidentPages() {}

    /// An fp32 copy of the tensor `name`, after checking that its shape is `shape` (the error
    /// names the tensor by its full name in the model).
    public func floats(_ name: String, shape: [Int]) throws(ModelLoadError) -> [Float] {
        let tensor = try tensor(named: name)
        guard tensor.shape == shape else {
            throw .shapeMismatch(name: tensor.name, expected: shape, actual: tensor.shape)
        }
        return tensor.floats()
    }

    /// An fp32 copy of the tensor `name`, whatever its shape.
    public func floats(_ name: String) throws(ModelLoadError) -> [Float] {
        try tensor(named: name).floats()
    }

    /// The shape of the tensor `name`.
    public func shape(of name: String) throws(ModelLoadError) -> [Int] {
        try tensor(named: name).shape
    }

    /// A view of the tensors whose names start with `prefix`, with the prefix removed
    /// (`source.scoped("down_blocks.0.")` holds `resnets.0.conv1.weight`, ...).
    public func scoped(_ prefix: String) -> PrefixedWeights {
        PrefixedWeights(base: self, prefix: prefix)
    }
}
