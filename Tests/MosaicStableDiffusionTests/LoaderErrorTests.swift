import Foundation
import Testing

@testable import MosaicStableDiffusion

/// Every failure names what is wrong: the missing file, the tensor, the config key.
@Suite struct LoaderErrorTests {
    /// A copy of a fixture folder (following the tokenizer links) that a test may damage.
    static func copyOfFolder(_ model: String) throws -> String {
        let target = FileManager.default.temporaryDirectory.appendingPathComponent("mosaic-sd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        let source = URL(fileURLWithPath: Fixtures.folder(model))
        for component in ["unet", "vae", "text_encoder", "tokenizer", "scheduler"] {
            try FileManager.default.createDirectory(
                at: target.appendingPathComponent(component), withIntermediateDirectories: true)
            for name in try FileManager.default.contentsOfDirectory(
                atPath: source.appendingPathComponent(component).path)
            {
                let from = source.appendingPathComponent(component).appendingPathComponent(name)
                    .resolvingSymlinksInPath()
                try FileManager.default.copyItem(
                    at: from, to: target.appendingPathComponent(component).appendingPathComponent(name))
            }
        }
        try FileManager.default.copyItem(
            at: source.appendingPathComponent("model_index.json"), to: target.appendingPathComponent("model_index.json")
        )
        return target.path
    }

    @Test func aMissingFolderOrFileIsNamed() throws {
        #expect(throws: ModelLoadError.missingFile(path: "/nonexistent/model")) {
            try StableDiffusionFolder(path: "/nonexistent/model")
        }
        #expect(throws: ModelLoadError.missingFile(path: "/nonexistent/model.safetensors")) {
            try SingleFileCheckpoint(path: "/nonexistent/model.safetensors")
        }
        let folder = try Self.copyOfFolder("sd1")
        let weights = folder + "/unet/diffusion_pytorch_model.fp16.safetensors"
        try FileManager.default.removeItem(atPath: weights)
        #expect(throws: ModelLoadError.missingFile(path: weights)) {
            try StableDiffusionFolder(path: folder, variant: "fp16")
        }
        let config = folder + "/vae/config.json"
        try FileManager.default.removeItem(atPath: config)
        #expect(throws: ModelLoadError.missingFile(path: config)) { try StableDiffusionFolder(path: folder) }
    }

    @Test func aMissingConfigKeyIsNamed() throws {
        let folder = try Self.copyOfFolder("sd2")
        let path = folder + "/unet/config.json"
        var object =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
            ?? [:]
        object["cross_attention_dim"] = nil
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
        #expect(throws: ModelLoadError.invalidConfig(path: path, reason: "missing required key 'cross_attention_dim'"))
        {
            try StableDiffusionFolder(path: folder)
        }
        object["cross_attention_dim"] = "wide"
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
        #expect {
            try StableDiffusionFolder(path: folder)
        } throws: { error in
            guard case .invalidConfig(let p, let reason) = error as? ModelLoadError else { return false }
            return p == path && reason.contains("cross_attention_dim")
        }
    }

    @Test func aTruncatedWeightFileIsAnError() throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Fixtures.singleFile("sd1"))))
        let path = try SafeTensorsFile.write(Array(bytes.prefix(bytes.count - 100)))
        #expect {
            try SingleFileCheckpoint(path: path)
        } throws: { error in
            guard case .unreadableFile(let p, let reason) = error as? ModelLoadError else { return false }
            return p == path && reason.contains("truncated")
        }
        let tiny = try SafeTensorsFile.write([1, 2, 3])
        #expect(throws: ModelLoadError.self) { try SafeTensorsWeights(path: tiny) }
    }

    @Test func wrongShapesMissingTensorsAndDTypesAreNamed() throws {
        let path = try SafeTensorsFile.write(
            SafeTensorsFile.bytes([
                .init(
                    name: "a.weight", dtype: "F32", shape: [2, 3],
                    bytes: SafeTensorsFile.floatBytes([1, 2, 3, 4, 5, 6])),
                .init(name: "ids", dtype: "I64", shape: [1], bytes: [7, 0, 0, 0, 0, 0, 0, 0]),
            ]))
        let weights = try SafeTensorsWeights(path: path)
        #expect(try weights.floats("a.weight", shape: [2, 3]) == [1, 2, 3, 4, 5, 6])
        #expect(throws: ModelLoadError.shapeMismatch(name: "a.weight", expected: [3, 2], actual: [2, 3])) {
            try weights.floats("a.weight", shape: [3, 2])
        }
        #expect(throws: ModelLoadError.missingTensor(name: "b.weight", file: path)) { try weights.floats("b.weight") }
        #expect(throws: ModelLoadError.unsupportedDType(name: "ids", dtype: "I64")) { try weights.tensor(named: "ids") }
        let message = ModelLoadError.shapeMismatch(name: "a.weight", expected: [3, 2], actual: [2, 3]).description
        #expect(message.contains("a.weight") && message.contains("[3, 2]") && message.contains("[2, 3]"))
    }

    @Test func anUnknownArchitectureIsRefused() throws {
        let path = try SafeTensorsFile.write(
            SafeTensorsFile.bytes([
                .init(
                    name: "conditioner.embedders.0.transformer.x", dtype: "F32", shape: [1],
                    bytes: SafeTensorsFile.floatBytes([1]))
            ]))
        #expect {
            try SingleFileCheckpoint(path: path)
        } throws: { error in
            guard case .unknownArchitecture(let reason) = error as? ModelLoadError else { return false }
            return reason.contains("SDXL")
        }
    }

    @Test func aTensorKeepsItsMappingAlive() throws {
        let path = try SafeTensorsFile.write(
            SafeTensorsFile.bytes([
                .init(name: "a", dtype: "F32", shape: [3], bytes: SafeTensorsFile.floatBytes([1, 2, 3]))
            ]))
        let tensor = try SafeTensorsWeights(path: path).tensor(named: "a")  // the source is released here
        #expect(tensor.floats() == [1, 2, 3])
    }

    @Test func bf16F16AndF32TensorsWidenToTheSameValues() throws {
        let values: [Float] = [0, -0.0, 1, -2.5, 65504, 1e-7, .infinity, -.infinity, 3.140625, 0.000061035156]
        let half = values.flatMap { v in withUnsafeBytes(of: Float16(v).bitPattern.littleEndian) { Array($0) } }
        let brain = values.flatMap { v in withUnsafeBytes(of: UInt16(v.bitPattern >> 16).littleEndian) { Array($0) } }
        let path = try SafeTensorsFile.write(
            SafeTensorsFile.bytes([
                .init(name: "f32", dtype: "F32", shape: [10], bytes: SafeTensorsFile.floatBytes(values)),
                .init(name: "f16", dtype: "F16", shape: [10], bytes: half),
                .init(name: "bf16", dtype: "BF16", shape: [2, 5], bytes: brain),
            ]))
        let weights = try SafeTensorsWeights(path: path)
        #expect(try weights.tensor(named: "bf16").dtype == .bf16)
        #expect(try weights.floats("f32").map(\.bitPattern) == values.map(\.bitPattern))
        #expect(try weights.floats("f16").map(\.bitPattern) == values.map { Float(Float16($0)).bitPattern })
        #expect(
            try weights.floats("bf16", shape: [2, 5]).map(\.bitPattern) == values.map { $0.bitPattern & 0xFFFF_0000 })
    }
}
