import Foundation
import MosaicTensor

/// The tensors of one memory-mapped `.safetensors` file, under their own names.
public struct SafeTensorsWeights: WeightSource {
    /// The mapped file.
    public let file: MappedSafeTensors

    /// Maps and validates the file at `path`.
    public init(path: String) throws(ModelLoadError) {
        guard FileManager.default.fileExists(atPath: path) else { throw .missingFile(path: path) }
        do { file = try MappedSafeTensors(path: path) } catch {
            throw .unreadableFile(path: path, reason: error.description)
        }
    }

    /// The tensor named `name`.
    public func tensor(named name: String) throws(ModelLoadError) -> WeightTensor {
        guard let info = file.info(name) else { throw .missingTensor(name: name, file: file.path) }
        return WeightTensor(
            name: name, dtype: try Self.dtype(of: info), shape: info.shape, bytes: file.bytes(of: info), owner: file)
    }

    /// Drops the mapped file's pages from the resident set (see ``MappedSafeTensors/dropResidentPages()``).
    public func dropResidentPages() { file.dropResidentPages() }

    /// Whether the file holds a tensor named `name`.
    public func contains(_ name: String) -> Bool { file.info(name) != nil }

    /// Every tensor name in the file, sorted.
    public var tensorNames: [String] { file.tensors.map(\.name).sorted() }

    /// The weight dtype of a header entry, or `unsupportedDType`.
    static func dtype(of info: SafeTensors.TensorInfo) throws(ModelLoadError) -> WeightDType {
        switch info.dtype {
        case .f32: return .f32
        case .f16: return .f16
        case .bf16: return .bf16
        default: throw .unsupportedDType(name: info.name, dtype: info.dtype.rawValue)
        }
    }
}
