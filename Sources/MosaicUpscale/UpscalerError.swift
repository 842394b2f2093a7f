/// Why an upscaler file could not be read, recognised or run; each case names the file's part at fault.
public enum UpscalerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be opened or read.
    case unreadableFile(path: String, reason: String)
    /// The file's extension is neither `.pth` nor `.safetensors`.
    case unsupportedFileType(path: String)
    /// The safetensors reader refused the file.
    case invalidSafeTensors(path: String, reason: String)
    /// A `.pth` file's ZIP structure is broken (truncated, wrong magic, entries out of range).
    case invalidArchive(path: String, reason: String)
    /// A `.pth` file in the pre-1.6 (non-ZIP) torch format.
    case legacyTorchFormat(path: String)
    /// A `.pth` entry is compressed; torch.save stores its entries uncompressed.
    case compressedEntry(path: String, entry: String, method: Int)
    /// The pickle uses an opcode the restricted reader does not accept.
    case unsupportedOpcode(opcode: UInt8, offset: Int)
    /// The pickle names a global outside the allowlist (anything that is not a tensor rebuild).
    case forbiddenGlobal(String)
    /// The pickle is malformed (stack underflow, truncation, a bad argument).
    case invalidPickle(reason: String, offset: Int)
    /// The pickle does not hold a dictionary of tensors where one is expected.
    case notAStateDict(path: String, reason: String)
    /// A tensor's storage entry is missing or too small for its shape and strides.
    case invalidTensorData(tensor: String, reason: String)
    /// A tensor has a dtype that is neither fp32, fp16 nor bf16.
    case unsupportedDType(tensor: String, dtype: String)
    /// The keys are not those of a supported RRDBNet (ESRGAN, Real-ESRGAN x4plus or x2plus).
    case unrecognisedArchitecture(path: String, reason: String)
    /// A weight the architecture needs is absent.
    case missingWeight(String)
    /// A weight has another shape than the architecture implies.
    case shapeMismatch(name: String, expected: [Int], actual: [Int])
    /// No upscaler has this name.
    case unknownUpscaler(String, known: [String])

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .unreadableFile(let path, let reason): return "cannot read \(path): \(reason)"
        case .unsupportedFileType(let path): return "\(path): upscalers are .pth or .safetensors files"
        case .invalidSafeTensors(let path, let reason): return "\(path): \(reason)"
        case .invalidArchive(let path, let reason): return "\(path): not a readable torch ZIP archive: \(reason)"
        case .legacyTorchFormat(let path):
            return
                "\(path): legacy (pre-1.6, non-ZIP) torch file; re-save it with torch.save from a newer torch or convert it to .safetensors"
        case .compressedEntry(let path, let entry, let method):
            return
                "\(path): entry '\(entry)' is compressed (ZIP method \(method)); torch.save stores entries uncompressed, re-save the file with torch.save"
        case .unsupportedOpcode(let opcode, let offset):
            return "pickle opcode 0x\(String(opcode, radix: 16)) at byte \(offset) is not accepted in a weights file"
        case .forbiddenGlobal(let name):
            return "pickle refers to '\(name)', which is not a tensor-rebuilding global; refusing the file"
        case .invalidPickle(let reason, let offset): return "malformed pickle at byte \(offset): \(reason)"
        case .notAStateDict(let path, let reason): return "\(path): not a state dict: \(reason)"
        case .invalidTensorData(let tensor, let reason): return "tensor '\(tensor)': \(reason)"
        case .unsupportedDType(let tensor, let dtype):
            return "tensor '\(tensor)': dtype \(dtype) is not fp32, fp16 or bf16"
        case .unrecognisedArchitecture(let path, let reason): return "\(path): not a supported RRDBNet: \(reason)"
        case .missingWeight(let name): return "missing weight '\(name)'"
        case .shapeMismatch(let name, let expected, let actual):
            return "weight '\(name)' has shape \(actual), expected \(expected)"
        case .unknownUpscaler(let name, let known):
            return "unknown upscaler '\(name)' (known: \(known.isEmpty ? "none" : known.joined(separator: ", ")))"
        }
    }
}
