// Builds safetensors files without copying tensor data: added arrays are kept (copy-on-write, so
// by reference) and streamed to the file one after the other. A checkpoint is tens of MB and is
// written after every step; gathering it into one buffer first would cost an allocation and a
// copy of the whole file for nothing. The data
// section's checksum is computed over the same chunks before the header, which must carry it.

import MosaicTensor

/// Builds a safetensors file: add tensors, set metadata, then take ``headerBytes()`` and the
/// data chunks (or ``serialized()`` for everything in one array).
///
/// The header lists tensors in the order they were added, `__metadata__` first, and is padded
/// with spaces so that the data section starts at a multiple of 8 bytes (as the Python writer
/// does, so that memory-mapped readers get aligned tensors).
public struct SafeTensorsWriter: Sendable {
    /// The `__metadata__` map; omitted from the header when empty.
    public var metadata: [String: String]
    /// The tensors added so far, in order.
    public private(set) var tensors: [SafeTensors.TensorInfo] = []
    /// The size of the data section so far in bytes.
    public private(set) var dataSize = 0
    /// The tensors' little-endian bytes, held as the arrays they were given in.
    private var chunks: [Chunk] = []

    private enum Chunk: Sendable {
        case floats([Float])
        case uint32s([UInt32])
        case int64s([Int64])
        case bytes([UInt8])

        func withBytes(_ body: (UnsafeRawBufferPointer) -> Void) {
            switch self {
            case .floats(let values): values.withUnsafeBytes(body)
            case .uint32s(let values): values.withUnsafeBytes(body)
            case .int64s(let values): values.withUnsafeBytes(body)
            case .bytes(let values): values.withUnsafeBytes(body)
            }
        }
    }

    /// Starts an empty file with `metadata`.
    public init(metadata: [String: String] = [:]) {
        self.metadata = metadata
    }

    /// Adds an F32 tensor of `shape` holding `values` in row-major order.
    public mutating func add(_ name: String, floats values: [Float], shape: [Int]) throws(SafeTensorsError) {
        try validate(name, shape: shape, count: values.count)
        #if _endian(big)
            append(
                name, .f32, shape, .floats(values.map { Float(bitPattern: $0.bitPattern.littleEndian) }),
                values.count * 4)
        #else
            append(name, .f32, shape, .floats(values), values.count * 4)
        #endif
    }

    /// Adds a U32 tensor of `shape` holding `values` in row-major order.
    public mutating func add(_ name: String, uint32s values: [UInt32], shape: [Int]) throws(SafeTensorsError) {
        try validate(name, shape: shape, count: values.count)
        append(name, .u32, shape, .uint32s(values.map(\.littleEndian)), values.count * 4)
    }

    /// Adds an I64 tensor of `shape` holding `values` in row-major order.
    public mutating func add(_ name: String, int64s values: [Int64], shape: [Int]) throws(SafeTensorsError) {
        try validate(name, shape: shape, count: values.count)
        append(name, .i64, shape, .int64s(values.map(\.littleEndian)), values.count * 8)
    }

    /// Adds a tensor of any dtype from its raw little-endian bytes (`count` elements), copying them.
    public mutating func add(
        _ name: String, dtype: SafeTensorsDType, shape: [Int], count: Int,
        littleEndianBytes bytes: UnsafeRawBufferPointer
    ) throws(SafeTensorsError) {
        try validate(name, shape: shape, count: count)
        guard bytes.count == count * dtype.byteSize else {
            throw .shapeMismatch(tensor: name, shape: shape, count: count)
        }
        append(name, dtype, shape, .bytes(Array(bytes)), bytes.count)
    }

    /// Calls `body` with each tensor's bytes in file order; together they are the data section.
    public func forEachDataChunk<E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> Void) throws(E) {
        for chunk in chunks {
            // Array.withUnsafeBytes only rethrows untyped errors; carry the typed one out by value.
            var failure: E?
            chunk.withBytes { raw in
                do throws(E) { try body(raw) } catch { failure = error }
            }
            if let failure { throw failure }
        }
    }

    /// The data section in one array (a copy).
    public var data: [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(dataSize)
        forEachDataChunk { bytes.append(contentsOf: $0) }
        return bytes
    }

    /// The CRC-32 (zlib) of the data section.
    public func dataChecksum() -> UInt32 {
        var crc = CRC32()
        forEachDataChunk { crc.update($0) }
        return crc.value
    }

    /// The 8-byte header length followed by the header JSON, padded with spaces so that the
    /// data section starts at a multiple of `alignment` bytes (a multiple of 8: the format's own
    /// alignment; a page, for a file written with direct I/O).
    public func headerBytes(alignment: Int = 8) -> [UInt8] {
        precondition(alignment > 0 && alignment % 8 == 0, "alignment \(alignment) is not a positive multiple of 8")
        var members: [(key: String, value: JSONValue)] = []
        if !metadata.isEmpty {
            // Sorted so that the same metadata always gives the same bytes.
            let sorted = metadata.sorted { $0.key.unicodeScalars.lexicographicallyPrecedes($1.key.unicodeScalars) }
            members.append(("__metadata__", .object(sorted.map { ($0.key, JSONValue.string($0.value)) })))
        }
        for tensor in tensors {
            members.append(
                (
                    tensor.name,
                    .object([
                        ("dtype", .string(tensor.dtype.rawValue)),
                        ("shape", .array(tensor.shape.map { .integer($0) })),
                        (
                            "data_offsets",
                            .array([.integer(tensor.dataRange.lowerBound), .integer(tensor.dataRange.upperBound)])
                        ),
                    ])
                ))
        }
        var json = Array(JSONValue.object(members).serialized().utf8)
        json.append(
            contentsOf: repeatElement(UInt8(ascii: " "), count: (alignment - (8 + json.count) % alignment) % alignment))
        var bytes = [UInt8]()
        bytes.reserveCapacity(8 + json.count)
        let length = UInt64(json.count)
        for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: length >> UInt64(8 * i))) }
        bytes.append(contentsOf: json)
        return bytes
    }

    /// The complete file: header, then data.
    public func serialized() -> [UInt8] {
        var bytes = headerBytes()
        bytes.reserveCapacity(bytes.count + dataSize)
        forEachDataChunk { bytes.append(contentsOf: $0) }
        return bytes
    }

    private func validate(_ name: String, shape: [Int], count: Int) throws(SafeTensorsError) {
        guard name != "__metadata__", !tensors.contains(where: { $0.name == name }) else { throw .duplicateName(name) }
        var product = 1
        var overflow = false
        for dimension in shape where !overflow {
            overflow = dimension < 0
            if !overflow { (product, overflow) = product.multipliedReportingOverflow(by: dimension) }
        }
        guard !overflow, product == count else { throw .shapeMismatch(tensor: name, shape: shape, count: count) }
    }

    private mutating func append(
        _ name: String, _ dtype: SafeTensorsDType, _ shape: [Int], _ chunk: Chunk, _ byteCount: Int
    ) {
        tensors.append(
            SafeTensors.TensorInfo(name: name, dtype: dtype, shape: shape, dataRange: dataSize..<(dataSize + byteCount))
        )
        chunks.append(chunk)
        dataSize += byteCount
    }
}
