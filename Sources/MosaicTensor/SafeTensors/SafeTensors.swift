// The safetensors format (huggingface/safetensors): an 8-byte little-endian header length N,
// N bytes of JSON mapping tensor names to `dtype`, `shape` and `data_offsets` (plus an
// optional `__metadata__` object of strings), then the data section of raw little-endian
// tensors. Chosen for checkpoints because anyone can open one with `safe_open(path, "np")`
// and because its reader rules (offsets in range, tensors tiling the data section, lengths
// matching shapes) make a truncated or tampered file an error rather than garbage.

/// A parsed, validated safetensors file held in memory.
///
/// Parsing checks everything the format's reference reader checks: the header length against
/// the file and a 100 MB limit, the JSON, each entry's fields, each byte range against the data
/// section and against its shape and dtype, and that the tensors cover the data section
/// exactly, without overlap or gap. Hostile input gives a ``SafeTensorsError``, never a trap.
public struct SafeTensors: Sendable {
    /// One tensor's header entry.
    public struct TensorInfo: Sendable, Equatable {
        /// The tensor's name (its key in the header).
        public var name: String
        /// The element type.
        public var dtype: SafeTensorsDType
        /// The shape, outermost dimension first (row-major, like NumPy).
        public var shape: [Int]
        /// The tensor's bytes within the data section (`data_offsets`).
        public var dataRange: Range<Int>

        /// Creates an entry (the writer's and the parser's).
        public init(name: String, dtype: SafeTensorsDType, shape: [Int], dataRange: Range<Int>) {
            self.name = name
            self.dtype = dtype
            self.shape = shape
            self.dataRange = dataRange
        }

        /// The number of elements (the product of the shape; 1 for a scalar).
        public var elementCount: Int { dataRange.count / dtype.byteSize }
    }

    /// The largest header accepted, as in the reference implementation.
    public static let maximumHeaderLength = 100_000_000

    /// The tensors, in the order of their data.
    public let tensors: [TensorInfo]
    /// The `__metadata__` map (empty when the header has none).
    public let metadata: [String: String]
    /// The byte offset of the data section in the file (8 + the header length).
    public let dataOffset: Int
    /// The whole file.
    public let bytes: [UInt8]

    /// The size of the data section in bytes.
    public var dataSize: Int { bytes.count - dataOffset }

    /// Parses and validates a complete safetensors file.
    public init(parsing bytes: [UInt8]) throws(SafeTensorsError) {
        guard bytes.count >= 8 else { throw .truncatedHeaderLength(fileSize: bytes.count) }
        var declared: UInt64 = 0
        for i in 0..<8 { declared |= UInt64(bytes[i]) << UInt64(8 * i) }
        guard declared <= UInt64(Self.maximumHeaderLength) else {
            throw .headerTooLarge(declared: declared, limit: Self.maximumHeaderLength)
        }
        let headerLength = Int(declared)
        guard headerLength <= bytes.count - 8 else {
            throw .headerPastEnd(declared: declared, available: bytes.count - 8)
        }
        let dataOffset = 8 + headerLength
        // Array's withUnsafeBytes only rethrows untyped errors; carry the typed result out by value.
        let parsed = try bytes.withUnsafeBytes { raw in
            Result { () throws(SafeTensorsError) in
                try Self.parseHeader(
                    UnsafeRawBufferPointer(rebasing: raw[8..<dataOffset]), dataSize: bytes.count - dataOffset)
            }
        }.get()
        self.tensors = parsed.tensors
        self.metadata = parsed.metadata
        self.dataOffset = dataOffset
        self.bytes = bytes
    }

    /// The entry of the tensor named `name`, if any.
    public func info(_ name: String) -> TensorInfo? { tensors.first { $0.name == name } }

    /// The values of an F32 tensor, flattened in row-major order.
    public func floats(_ name: String) throws(SafeTensorsError) -> [Float] {
        let values: [Float] = try elements(name, dtype: .f32)
        #if _endian(big)
            return values.map { Float(bitPattern: UInt32(littleEndian: $0.bitPattern)) }
        #else
            return values
        #endif
    }

    /// The values of a U32 tensor, flattened in row-major order.
    public func uint32s(_ name: String) throws(SafeTensorsError) -> [UInt32] {
        let values: [UInt32] = try elements(name, dtype: .u32)
        return values.map { UInt32(littleEndian: $0) }
    }

    /// The values of an I64 tensor, flattened in row-major order.
    public func int64s(_ name: String) throws(SafeTensorsError) -> [Int64] {
        let values: [Int64] = try elements(name, dtype: .i64)
        return values.map { Int64(littleEndian: $0) }
    }

    /// Calls `body` with the raw bytes of the data section (what a checkpoint's CRC covers).
    public func withDataSection<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes { raw in try body(UnsafeRawBufferPointer(rebasing: raw[dataOffset...])) }
    }

    /// Copies a tensor's bytes into an array of `T` (the file's byte order: little-endian).
    private func elements<T: BitwiseCopyable>(_ name: String, dtype: SafeTensorsDType) throws(SafeTensorsError) -> [T] {
        guard let info = info(name) else { throw .missingTensor(name) }
        guard info.dtype == dtype else { throw .dtypeMismatch(tensor: name, expected: dtype, actual: info.dtype) }
        let count = info.elementCount
        let start = dataOffset + info.dataRange.lowerBound
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            bytes.withUnsafeBytes { raw in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(
                    from: UnsafeRawBufferPointer(rebasing: raw[start..<(start + info.dataRange.count)]))
            }
            initialized = count
        }
    }
}
