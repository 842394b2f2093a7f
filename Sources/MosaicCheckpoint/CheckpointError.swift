import MosaicTensor

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a checkpoint could not be written, read or used; every case names the file.
public enum CheckpointError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A system call failed (including a fault injected at that point): operation, path, errno.
    case file(FileError)
    /// The file is not valid safetensors (truncated, bad header, inconsistent offsets).
    case malformed(path: String, SafeTensorsError)
    /// The file is not a Mosaic checkpoint, or one of another format version.
    case unsupportedFormat(path: String, found: String?)
    /// The data section's CRC-32 differs from the one in the metadata.
    case checksumMismatch(path: String, expected: String, actual: String)
    /// The metadata's CRC-32 (`metadata_crc32`) differs from the one computed over it.
    case metadataChecksumMismatch(path: String, expected: String, actual: String)
    /// A required metadata entry is missing.
    case missingMetadata(path: String, key: String)
    /// A metadata entry cannot be interpreted.
    case invalidMetadata(path: String, key: String, reason: String)
    /// A tensor has another shape than the checkpoint's tile plan implies.
    case shapeMismatch(path: String, tensor: String, expected: [Int], actual: [Int])
    /// The file's name says one step, its metadata another.
    case stepMismatch(path: String, fileStep: Int, metadataStep: Int)
    /// The checkpoint was written for other render parameters.
    case parametersMismatch(path: String, expected: String, actual: String)
    /// The state cannot be checkpointed (its latent does not fit the tile plan's canvas).
    case invalidState(reason: String)

    /// The file the error concerns (empty for ``invalidState(reason:)``).
    public var path: String {
        switch self {
        case .file(let error): return error.path
        case .malformed(let path, _), .unsupportedFormat(let path, _), .checksumMismatch(let path, _, _),
            .metadataChecksumMismatch(let path, _, _), .missingMetadata(let path, _), .invalidMetadata(let path, _, _),
            .shapeMismatch(let path, _, _, _), .stepMismatch(let path, _, _), .parametersMismatch(let path, _, _):
            return path
        case .invalidState: return ""
        }
    }

    /// What is wrong, without the path: the form used in the notes of
    /// ``CheckpointStore/loadNewestValid(parametersHash:)``.
    public var reason: String {
        switch self {
        case .file(let error):
            return "\(error.operation) failed: \(String(cString: strerror(error.code))) (errno \(error.code))"
        case .malformed(_, let error):
            switch error {
            case .truncatedHeaderLength, .headerPastEnd, .dataOutOfRange: return "truncated: \(error)"
            default: return "not a valid safetensors file: \(error)"
            }
        case .unsupportedFormat(_, let found):
            return "not a \(CheckpointFile.format) file (format: \(found ?? "none"))"
        case .checksumMismatch(_, let expected, let actual):
            return "checksum mismatch (truncated or corrupt): data CRC-32 is \(actual), header says \(expected)"
        case .metadataChecksumMismatch(_, let expected, let actual):
            return "metadata checksum mismatch (corrupt header): CRC-32 is \(actual), header says \(expected)"
        case .missingMetadata(_, let key): return "metadata '\(key)' is missing"
        case .invalidMetadata(_, let key, let reason): return "metadata '\(key)' is invalid: \(reason)"
        case .shapeMismatch(_, let tensor, let expected, let actual):
            return "tensor '\(tensor)' has shape \(actual), expected \(expected)"
        case .stepMismatch(_, let fileStep, let metadataStep):
            return "file name says step \(fileStep) but the metadata says step \(metadataStep)"
        case .parametersMismatch(_, let expected, let actual):
            return
                "written for other render parameters (hash \(actual.prefix(12)), this job's is \(expected.prefix(12)))"
        case .invalidState(let reason): return reason
        }
    }

    /// A one-line explanation naming what is wrong.
    public var description: String {
        switch self {
        case .file(let error): return error.description
        case .invalidState(let reason): return "cannot checkpoint: \(reason)"
        default: return "\(path): \(reason)"
        }
    }
}
