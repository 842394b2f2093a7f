import Foundation
import MosaicTensor

@testable import MosaicStableDiffusion

/// Paths of the fixtures written by scripts/sd_fixtures/make_fixtures.py.
enum Fixtures {
    /// Tests/MosaicStableDiffusionTests/Fixtures, found from this file's path.
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Fixtures")

    /// The diffusers folder of `model` ("sd1" or "sd2").
    static func folder(_ model: String) -> String { directory.appendingPathComponent(model).path }

    /// The original-layout single file of `model`.
    static func singleFile(_ model: String) -> String {
        directory.appendingPathComponent("\(model)-single-fp16.safetensors").path
    }

    /// A reference file of `model`.
    static func reference(_ model: String, _ name: String) -> String {
        directory.appendingPathComponent(model).appendingPathComponent("reference").appendingPathComponent(name).path
    }
}

extension Fixtures {
    /// An F32 reference tensor (`model`'s `reference/file`, tensor `name`): shape and values.
    static func floats(_ model: String, _ file: String, _ name: String) throws -> (shape: [Int], values: [Float]) {
        let tensor = try SafeTensorsWeights(path: reference(model, file)).tensor(named: name)
        return (tensor.shape, tensor.floats())
    }

    /// An I64 reference tensor (token ids): shape and values.
    static func int64s(_ model: String, _ file: String, _ name: String) throws -> (shape: [Int], values: [Int]) {
        let mapped = try MappedSafeTensors(path: reference(model, file))
        guard let info = mapped.info(name), info.dtype == .i64 else {
            throw ModelLoadError.missingTensor(name: name, file: mapped.path)
        }
        let raw = mapped.bytes(of: info)
        let values = (0..<(raw.count / 8)).map {
            Int(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self)))
        }
        return (info.shape, values)
    }
}

/// Writes small safetensors files for the error and dtype tests.
enum SafeTensorsFile {
    /// One tensor of the file to write: name, dtype name, shape, raw little-endian bytes.
    struct Tensor {
        var name: String
        var dtype: String
        var shape: [Int]
        var bytes: [UInt8]
    }

    /// The bytes of a safetensors file holding `tensors` in order.
    static func bytes(_ tensors: [Tensor]) -> [UInt8] {
        var offset = 0
        var entries: [String] = []
        for tensor in tensors {
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            entries.append(
                "\"\(tensor.name)\":{\"dtype\":\"\(tensor.dtype)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + tensor.bytes.count)]}"
            )
            offset += tensor.bytes.count
        }
        var header = Array(("{" + entries.joined(separator: ",") + "}").utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        var out: [UInt8] = []
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { out.append(contentsOf: $0) }
        out += header
        for tensor in tensors { out += tensor.bytes }
        return out
    }

    /// Writes `bytes` to a new temporary file and returns its path.
    static func write(_ bytes: [UInt8], name: String = "test.safetensors") throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mosaic-sd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    /// Little-endian bytes of fp32 values.
    static func floatBytes(_ values: [Float]) -> [UInt8] {
        values.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
    }
}
