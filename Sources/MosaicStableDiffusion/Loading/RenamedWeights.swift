/// A ``WeightSource`` over one safetensors file whose tensors are exposed under other names:
/// the diffusers names of an original-layout checkpoint, or transformers 5's names of a text
/// encoder saved with the `text_model.` prefix. An entry may also take a range of rows of its
/// tensor (OpenCLIP's fused `in_proj_weight` holds q, k and v one after the other) or view it
/// with another shape of the same size (LDM's 1x1-conv VAE attention weights as linear ones);
/// both are zero-copy views into the memory map.
public struct RenamedWeights: WeightSource {
    /// Where an exposed tensor comes from.
    public struct Entry: Sendable, Equatable {
        /// The tensor's name in the file.
        public var source: String
        /// Rows (along the first dimension) to take, or nil for the whole tensor.
        public var rows: Range<Int>?
        /// The shape to expose (same element count), or nil for the stored one.
        public var shape: [Int]?

        /// An entry reading `source`, optionally a row range and/or under another shape.
        public init(source: String, rows: Range<Int>? = nil, shape: [Int]? = nil) {
            self.source = source
            self.rows = rows
            self.shape = shape
        }
    }

    /// The file read.
    public let file: SafeTensorsWeights
    /// Exposed name -> where it comes from.
    public let entries: [String: Entry]
    /// What errors call this source (the file and the component).
    public let label: String

    /// A renamed view of `file`.
    /// Drops the file's mapped pages (all of it, not only the renamed tensors).
    public func dropResidentPages() { file.dropResidentPages() }

    public init(file: SafeTensorsWeights, entries: [String: Entry], label: String) {
        self.file = file
        self.entries = entries
        self.label = label
    }

    /// The tensor exposed as `name`.
    public func tensor(named name: String) throws(ModelLoadError) -> WeightTensor {
        guard let entry = entries[name] else { throw .missingTensor(name: name, file: label) }
        let stored = try file.tensor(named: entry.source)
        var shape = stored.shape
        var bytes = stored.bytes
        if let rows = entry.rows {
            guard let first = shape.first, rows.lowerBound >= 0, rows.upperBound <= first else {
                throw .shapeMismatch(name: entry.source, expected: [rows.upperBound] + shape.dropFirst(), actual: shape)
            }
            let rowBytes = shape.dropFirst().reduce(1, *) * stored.dtype.byteSize
            bytes = UnsafeRawBufferPointer(rebasing: bytes[(rows.lowerBound * rowBytes)..<(rows.upperBound * rowBytes)])
            shape[0] = rows.count
        }
        if let viewed = entry.shape {
            guard viewed.reduce(1, *) == shape.reduce(1, *) else {
                throw .shapeMismatch(name: entry.source, expected: viewed, actual: shape)
            }
            shape = viewed
        }
        return WeightTensor(name: name, dtype: stored.dtype, shape: shape, bytes: bytes, owner: stored.owner)
    }

    /// Whether `name` is exposed.
    public func contains(_ name: String) -> Bool { entries[name] != nil }

    /// Every exposed name, sorted.
    public var tensorNames: [String] { entries.keys.sorted() }
}
