/// Why safetensors bytes could not be parsed, or a tensor could not be added or read.
///
/// Offsets are relative to the start of the data section (after the header), as in the
/// format's `data_offsets`.
public enum SafeTensorsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be opened, measured or mapped (`reason` is the system's message).
    case unreadableFile(path: String, reason: String)
    /// Fewer than the 8 bytes of the header length.
    case truncatedHeaderLength(fileSize: Int)
    /// The declared header length exceeds the limit (a hostile or corrupt length).
    case headerTooLarge(declared: UInt64, limit: Int)
    /// The declared header extends past the end of the file.
    case headerPastEnd(declared: UInt64, available: Int)
    /// The header is not valid JSON (or not UTF-8).
    case invalidHeaderJSON(reason: String)
    /// The header is JSON but not the structure the format prescribes.
    case invalidHeader(reason: String)
    /// `__metadata__` is not an object of string values.
    case invalidMetadata(reason: String)
    /// A tensor entry lacks a field or has one of the wrong kind.
    case invalidTensorEntry(tensor: String, reason: String)
    /// A tensor's dtype is not one of the format's.
    case unknownDType(tensor: String, dtype: String)
    /// A tensor's byte range does not fit in the data section (typically a truncated file).
    case dataOutOfRange(tensor: String, start: Int, end: Int, dataSize: Int)
    /// A tensor's byte length differs from its shape times its element size.
    case lengthMismatch(tensor: String, shape: [Int], dtype: SafeTensorsDType, expectedBytes: Int, actualBytes: Int)
    /// Tensors overlap or leave a gap: the format requires them to tile the data section.
    case nonContiguous(tensor: String, expectedStart: Int, actualStart: Int)
    /// Bytes follow the last tensor.
    case trailingData(used: Int, dataSize: Int)
    /// No tensor has this name.
    case missingTensor(String)
    /// A tensor has another dtype than the one asked for.
    case dtypeMismatch(tensor: String, expected: SafeTensorsDType, actual: SafeTensorsDType)
    /// A tensor added to a writer has a name already used, or the reserved `__metadata__`.
    case duplicateName(String)
    /// A tensor added to a writer has a value count that differs from its shape's product.
    case shapeMismatch(tensor: String, shape: [Int], count: Int)

    /// A one-line explanation naming what is wrong.
    public var description: String {
        switch self {
        case .unreadableFile(let path, let reason): return "cannot read \(path): \(reason)"
        case .truncatedHeaderLength(let size):
            return "file of \(size) bytes is too short for the 8-byte header length"
        case .headerTooLarge(let declared, let limit):
            return "declared header length \(declared) exceeds the limit of \(limit) bytes"
        case .headerPastEnd(let declared, let available):
            return "declared header length \(declared) exceeds the \(available) bytes after the length (truncated?)"
        case .invalidHeaderJSON(let reason): return "header is not valid JSON: \(reason)"
        case .invalidHeader(let reason): return "invalid header: \(reason)"
        case .invalidMetadata(let reason): return "invalid __metadata__: \(reason)"
        case .invalidTensorEntry(let tensor, let reason): return "tensor '\(tensor)': \(reason)"
        case .unknownDType(let tensor, let dtype): return "tensor '\(tensor)': unknown dtype '\(dtype)'"
        case .dataOutOfRange(let tensor, let start, let end, let size):
            return
                "tensor '\(tensor)' spans data bytes \(start)..<\(end) but the data section holds \(size) bytes (truncated?)"
        case .lengthMismatch(let tensor, let shape, let dtype, let expected, let actual):
            return
                "tensor '\(tensor)': shape \(shape) of \(dtype.rawValue) needs \(expected) bytes, data_offsets span \(actual)"
        case .nonContiguous(let tensor, let expected, let actual):
            return
                "tensor '\(tensor)' starts at data byte \(actual), expected \(expected) (tensors overlap or leave a gap)"
        case .trailingData(let used, let size):
            return "tensors cover \(used) bytes but the data section holds \(size)"
        case .missingTensor(let name): return "no tensor named '\(name)'"
        case .dtypeMismatch(let tensor, let expected, let actual):
            return "tensor '\(tensor)' is \(actual.rawValue), expected \(expected.rawValue)"
        case .duplicateName(let name): return "tensor name '\(name)' is already used or reserved"
        case .shapeMismatch(let tensor, let shape, let count):
            return "tensor '\(tensor)': shape \(shape) does not hold \(count) values"
        }
    }
}
