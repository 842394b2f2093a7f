// Interpretation and validation of a safetensors JSON header. The rules follow the reference
// reader (`SafeTensors::deserialize` / `Metadata::validate`): every entry must have a known
// dtype, a shape of non-negative integers and `[start, end]` offsets whose length is the shape's
// byte size; sorted by offset, the entries must tile the data section exactly.

extension SafeTensors {
    /// Parses the header JSON and validates it against a data section of `dataSize` bytes.
    static func parseHeader(
        _ json: UnsafeRawBufferPointer, dataSize: Int
    ) throws(SafeTensorsError) -> (tensors: [TensorInfo], metadata: [String: String]) {
        let root: JSONValue
        do { root = try JSONParser.parse(json) } catch { throw .invalidHeaderJSON(reason: error.description) }
        guard let members = root.objectMembers else {
            throw .invalidHeader(reason: "the header is \(root.kindName), expected an object")
        }
        var metadata: [String: String] = [:]
        var tensors: [TensorInfo] = []
        for (name, value) in members {
            if name == "__metadata__" {
                metadata = try parseMetadata(value)
            } else {
                tensors.append(try parseEntry(name: name, value: value, dataSize: dataSize))
            }
        }
        // Empty tensors may share an offset with their neighbour; sort them first so that the
        // contiguity check below does not depend on the header's member order.
        tensors.sort { ($0.dataRange.lowerBound, $0.dataRange.count) < ($1.dataRange.lowerBound, $1.dataRange.count) }
        var expectedStart = 0
        for tensor in tensors {
            guard tensor.dataRange.lowerBound == expectedStart else {
                throw .nonContiguous(
                    tensor: tensor.name, expectedStart: expectedStart, actualStart: tensor.dataRange.lowerBound)
            }
            expectedStart = tensor.dataRange.upperBound
        }
        guard expectedStart == dataSize else { throw .trailingData(used: expectedStart, dataSize: dataSize) }
        return (tensors, metadata)
    }

    private static func parseMetadata(_ value: JSONValue) throws(SafeTensorsError) -> [String: String] {
        guard let members = value.objectMembers else {
            throw .invalidMetadata(reason: "it is \(value.kindName), expected an object")
        }
        var metadata: [String: String] = [:]
        for (key, item) in members {
            guard case .string(let text) = item else {
                throw .invalidMetadata(reason: "value of '\(key)' is \(item.kindName), expected a string")
            }
            metadata[key] = text
        }
        return metadata
    }

    private static func parseEntry(name: String, value: JSONValue, dataSize: Int) throws(SafeTensorsError) -> TensorInfo
    {
        guard let fields = value.objectMembers else {
            throw .invalidTensorEntry(tensor: name, reason: "entry is \(value.kindName), expected an object")
        }
        func field(_ key: String) throws(SafeTensorsError) -> JSONValue {
            guard let found = fields.first(where: { $0.key == key }) else {
                throw .invalidTensorEntry(tensor: name, reason: "missing '\(key)'")
            }
            return found.value
        }
        guard case .string(let dtypeName) = try field("dtype") else {
            throw .invalidTensorEntry(tensor: name, reason: "'dtype' is not a string")
        }
        guard let dtype = SafeTensorsDType(rawValue: dtypeName) else {
            throw .unknownDType(tensor: name, dtype: dtypeName)
        }
        let shape = try integers(try field("shape"), tensor: name, key: "shape")
        let offsets = try integers(try field("data_offsets"), tensor: name, key: "data_offsets")
        guard offsets.count == 2, offsets[0] <= offsets[1] else {
            throw .invalidTensorEntry(tensor: name, reason: "'data_offsets' must be [start, end] with start <= end")
        }
        guard offsets[1] <= dataSize else {
            throw .dataOutOfRange(tensor: name, start: offsets[0], end: offsets[1], dataSize: dataSize)
        }
        // The product can overflow on hostile shapes; an overflowing shape cannot match a
        // range that fits in memory, so report it as a length mismatch.
        var expected = dtype.byteSize
        var overflow = false
        for dimension in shape where !overflow {
            (expected, overflow) = expected.multipliedReportingOverflow(by: dimension)
        }
        let actual = offsets[1] - offsets[0]
        guard !overflow, expected == actual else {
            throw .lengthMismatch(
                tensor: name, shape: shape, dtype: dtype,
                expectedBytes: overflow ? Int.max : expected, actualBytes: actual)
        }
        return TensorInfo(name: name, dtype: dtype, shape: shape, dataRange: offsets[0]..<offsets[1])
    }

    private static func integers(_ value: JSONValue, tensor: String, key: String) throws(SafeTensorsError) -> [Int] {
        guard case .array(let items) = value else {
            throw .invalidTensorEntry(tensor: tensor, reason: "'\(key)' is \(value.kindName), expected an array")
        }
        var result: [Int] = []
        for item in items {
            guard let number = item.nonNegativeInt else {
                throw .invalidTensorEntry(
                    tensor: tensor,
                    reason: "'\(key)' holds \(item.serialized().prefix(40)), expected non-negative integers")
            }
            result.append(number)
        }
        return result
    }
}
