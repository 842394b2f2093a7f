import MosaicTensor

/// An upscaler's `.safetensors` file, mapped read-only (MosaicTensor's validating reader).
public struct SafeTensorsWeightFile: WeightFile {
    /// The path the file was opened from.
    public let path: String
    /// Every tensor's shape, by name.
    public let shapes: [String: [Int]]
    private let file: MappedSafeTensors

    /// Maps and validates the file at `path`.
    public init(path: String) throws(UpscalerError) {
        self.path = path
        do {
            file = try MappedSafeTensors(path: path)
        } catch {
            throw .invalidSafeTensors(path: path, reason: error.description)
        }
        var shapes: [String: [Int]] = [:]
        for tensor in file.tensors { shapes[tensor.name] = tensor.shape }
        self.shapes = shapes
    }

    /// The values of tensor `name`, widened to fp32.
    public func floats(_ name: String) throws(UpscalerError) -> [Float] {
        guard let info = file.info(name) else { throw .missingWeight(name) }
        guard let dtype = WeightDType(rawValue: info.dtype.rawValue) else {
            throw .unsupportedDType(tensor: name, dtype: info.dtype.rawValue)
        }
        let count = info.elementCount
        let bytes = file.bytes(of: info)
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            if let source = bytes.baseAddress, let destination = buffer.baseAddress {
                dtype.widen(source, into: destination, count: count)
            }
            initialized = count
        }
    }
}
