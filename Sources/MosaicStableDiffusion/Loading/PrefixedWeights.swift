/// A view of a ``WeightSource`` under a key prefix: `tensor(named: "conv1.weight")` reads
/// `prefix + "conv1.weight"` from the base source.
public struct PrefixedWeights: WeightSource {
    /// The source viewed.
    public let base: any WeightSource
    /// The prefix prepended to every name (usually ending in ".").
    public let prefix: String

    /// Drops the base source's mapped pages (all of it, not only the prefix's tensors).
    public func dropResidentPages() { base.dropResidentPages() }

    /// A view of `base` under `prefix`.
    public init(base: any WeightSource, prefix: String) {
        self.base = base
        self.prefix = prefix
    }

    /// The tensor `prefix + name` (its ``WeightTensor/name`` is the full name, so that errors
    /// say which tensor of the model is meant).
    public func tensor(named name: String) throws(ModelLoadError) -> WeightTensor {
        try base.tensor(named: prefix + name)
    }

    /// Whether the base holds `prefix + name`.
    public func contains(_ name: String) -> Bool { base.contains(prefix + name) }

    /// The base's names that start with the prefix, the prefix removed.
    public var tensorNames: [String] {
        base.tensorNames.filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
    }

    /// A view with a longer prefix over the same base (so errors keep naming the full name).
    public func scoped(_ more: String) -> PrefixedWeights { PrefixedWeights(base: base, prefix: prefix + more) }
}
