import Foundation

/// A state dict saved by `torch.save` (a `.pth` ZIP archive), read without running its pickle.
///
/// The dict may be wrapped as Real-ESRGAN's releases do it, `{"params_ema": ...}` (preferred)
/// or `{"params": ...}`. The file is mapped, not copied; tensors are widened on demand.
public struct TorchWeightFile: WeightFile {
    /// The path the file was opened from.
    public let path: String
    /// Every tensor's shape, by name.
    public let shapes: [String: [Int]]
    private let file: Data
    private let tensors: [String: (record: TorchTensorRecord, entry: TorchZipArchive.Entry)]

    /// The first bytes of a pre-1.6 torch file: a pickle protocol-2 header and torch's magic number.
    private static let legacyMagic: [UInt8] = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8]

    /// Maps the file at `path` and reads its archive and pickle.
    public init(path: String) throws(UpscalerError) {
        self.path = path
        do {
            file = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw .unreadableFile(path: path, reason: error.localizedDescription)
        }
        let parsed = try file.withUnsafeBytes { raw in
            Result { () throws(UpscalerError) in try Self.parse(raw, path: path) }
        }.get()
        tensors = parsed
        shapes = parsed.mapValues { $0.record.shape }
    }

    /// The values of tensor `name`, widened to fp32 and laid out row-major, once its storage's
    /// CRC-32 matches the archive's.
    public func floats(_ name: String) throws(UpscalerError) -> [Float] {
        guard let (record, entry) = tensors[name] else { throw .missingWeight(name) }
        let data = entry.data
        let count = record.shape.reduce(1, *)
        let dtype = record.storage.dtype
        let contiguous = Self.isContiguous(record)
        let intact = file.withUnsafeBytes { raw in TorchZipArchive.crcMatches(entry, in: raw) }
        guard intact else {
            throw .invalidTensorData(tensor: name, reason: "entry '\(entry.name)' fails its CRC-32 check")
        }
        return file.withUnsafeBytes { raw in
            [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                defer { initialized = count }
                guard let base = raw.baseAddress, let destination = buffer.baseAddress else { return }
                let storage = base + data.lowerBound
                if contiguous {
                    dtype.widen(storage + record.offset * dtype.byteSize, into: destination, count: count)
                    return
                }
                // A strided view (rare in state dicts): element by element.
                var index = [Int](repeating: 0, count: record.shape.count)
                for i in 0..<count {
                    var element = record.offset
                    for d in 0..<index.count { element += index[d] * record.stride[d] }
                    dtype.widen(storage + element * dtype.byteSize, into: destination + i, count: 1)
                    var d = index.count - 1
                    while d >= 0 {
                        index[d] += 1
                        if index[d] < record.shape[d] { break }
                        index[d] = 0
                        d -= 1
                    }
                }
            }
        }
    }

    private static func isContiguous(_ record: TorchTensorRecord) -> Bool {
        var expected = 1
        for d in stride(from: record.shape.count - 1, through: 0, by: -1) {
            if record.shape[d] != 1 && record.stride[d] != expected { return false }
            expected *= record.shape[d]
        }
        return true
    }

    private static func parse(_ raw: UnsafeRawBufferPointer, path: String) throws(UpscalerError)
        -> [String: (record: TorchTensorRecord, entry: TorchZipArchive.Entry)]
    {
        if raw.count >= legacyMagic.count, raw.prefix(legacyMagic.count).elementsEqual(legacyMagic) {
            throw .legacyTorchFormat(path: path)
        }
        let archive = try TorchZipArchive(raw, path: path)
        guard
            let pickle = archive.entries.values.filter({ $0.name.hasSuffix("/data.pkl") }).min(by: { $0.name < $1.name }
            )
        else { throw .invalidArchive(path: path, reason: "no <archive>/data.pkl entry (not a torch.save file)") }
        let prefix = String(pickle.name.dropLast("data.pkl".count))
        guard pickle.method == 0 else { throw .compressedEntry(path: path, entry: pickle.name, method: pickle.method) }
        guard TorchZipArchive.crcMatches(pickle, in: raw) else {
            throw .invalidArchive(path: path, reason: "entry '\(pickle.name)' fails its CRC-32 check")
        }
        var unpickler = RestrictedUnpickler(UnsafeRawBufferPointer(rebasing: raw[pickle.data]))
        let root = try unpickler.load()
        let dict = try stateDict(root, path: path)
        var tensors: [String: (record: TorchTensorRecord, entry: TorchZipArchive.Entry)] = [:]
        for (key, value) in dict.items {
            guard case .string(let name) = key, case .tensor(let record) = value else { continue }
            let entryName = "\(prefix)data/\(record.storage.key)"
            guard let entry = archive.entries[entryName] else {
                throw .invalidTensorData(tensor: name, reason: "no archive entry '\(entryName)'")
            }
            guard entry.method == 0 else { throw .compressedEntry(path: path, entry: entry.name, method: entry.method) }
            let storage = record.storage
            guard storage.count <= entry.data.count / storage.dtype.byteSize else {
                throw .invalidTensorData(
                    tensor: name,
                    reason: "storage of \(storage.count) elements in an entry of \(entry.data.count) bytes")
            }
            guard record.shape.allSatisfy({ $0 >= 0 }), record.stride.allSatisfy({ $0 >= 0 }), record.offset >= 0 else {
                throw .invalidTensorData(tensor: name, reason: "negative size, stride or offset")
            }
            if record.shape.reduce(1, *) > 0 {
                var last = record.offset
                for (size, step) in zip(record.shape, record.stride) {
                    let (span, overflow) = (size - 1).multipliedReportingOverflow(by: step)
                    guard !overflow, span <= storage.count else {
                        throw .invalidTensorData(tensor: name, reason: "view past the end of its storage")
                    }
                    last += span
                }
                guard last < storage.count else {
                    throw .invalidTensorData(
                        tensor: name, reason: "view reaches element \(last) of a storage of \(storage.count)")
                }
            }
            tensors[name] = (record, entry)
        }
        guard !tensors.isEmpty else { throw .notAStateDict(path: path, reason: "no tensors in the dictionary") }
        return tensors
    }

    /// The dict of tensors inside `root`: `params_ema` or `params` when wrapped, else `root`.
    private static func stateDict(_ root: PickleValue, path: String) throws(UpscalerError) -> PickleDict {
        guard case .dict(let dict) = root else { throw .notAStateDict(path: path, reason: "the pickle is not a dict") }
        for wrapper in ["params_ema", "params"] {
            for (key, value) in dict.items {
                if case .string(wrapper) = key, case .dict(let inner) = value { return inner }
            }
        }
        return dict
    }
}
