/// Why a Stable Diffusion model could not be opened or a weight read; every case names the
/// file or tensor concerned.
public enum ModelLoadError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A file or folder the layout requires is absent.
    case missingFile(path: String)
    /// A file exists but could not be read or is not valid (truncated, corrupt header, ...).
    case unreadableFile(path: String, reason: String)
    /// No tensor of this name (`file` is the weight file or component searched).
    case missingTensor(name: String, file: String)
    /// A tensor's shape differs from what the model's configuration requires.
    case shapeMismatch(name: String, expected: [Int], actual: [Int])
    /// The checkpoint's tensors match no supported architecture (SD 1.x, SD 2.x).
    case unknownArchitecture(String)
    /// A tensor is stored in an element type other than F32, F16 or BF16.
    case unsupportedDType(name: String, dtype: String)
    /// A configuration file lacks a required key or has a value of the wrong kind.
    case invalidConfig(path: String, reason: String)
    /// The tokenizer files are missing, malformed or inconsistent.
    case invalidTokenizer(path: String, reason: String)

    /// A one-line explanation naming what is wrong.
    public var description: String {
        switch self {
        case .missingFile(let path): return "missing file: \(path)"
        case .unreadableFile(let path, let reason): return "cannot read \(path): \(reason)"
        case .missingTensor(let name, let file): return "no tensor '\(name)' in \(file)"
        case .shapeMismatch(let name, let expected, let actual):
            return "tensor '\(name)' has shape \(actual), expected \(expected)"
        case .unknownArchitecture(let reason): return "unknown architecture: \(reason)"
        case .unsupportedDType(let name, let dtype):
            return "tensor '\(name)' is stored as \(dtype); only F32, F16 and BF16 are supported"
        case .invalidConfig(let path, let reason): return "invalid config \(path): \(reason)"
        case .invalidTokenizer(let path, let reason): return "invalid tokenizer \(path): \(reason)"
        }
    }
}
