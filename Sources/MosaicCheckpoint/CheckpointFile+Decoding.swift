import Foundation
import MosaicDiffusion
import MosaicTensor

extension CheckpointFile {
    /// Parses and verifies a checkpoint file read from `path` (used in errors only).
    ///
    /// Checks, in order: the safetensors structure, the format, the data CRC-32, the metadata
    /// CRC-32, every metadata entry, and the tensors' dtypes and shapes against the tile plan.
    public static func decode(_ bytes: [UInt8], path: String) throws(CheckpointError) -> Checkpoint {
        let file: SafeTensors
        do { file = try SafeTensors(parsing: bytes) } catch { throw .malformed(path: path, error) }
        let metadata = file.metadata
        guard metadata[Key.format] == format else { throw .unsupportedFormat(path: path, found: metadata[Key.format]) }
        func entry(_ key: String) throws(CheckpointError) -> String {
            guard let value = metadata[key] else { throw .missingMetadata(path: path, key: key) }
            return value
        }
        let expectedCRC = try entry(Key.crc32)
        let actualCRC = CRC32.hex(file.withDataSection { CRC32.checksum($0) })
        guard expectedCRC == actualCRC else {
            throw .checksumMismatch(path: path, expected: expectedCRC, actual: actualCRC)
        }
        let expectedMetadataCRC = try entry(Key.metadataCRC32)
        let actualMetadataCRC = CRC32.hex(metadataChecksum(metadata))
        guard expectedMetadataCRC == actualMetadataCRC else {
            throw .metadataChecksumMismatch(path: path, expected: expectedMetadataCRC, actual: actualMetadataCRC)
        }

        let stepText = try entry(Key.step)
        guard let step = Int(stepText), step >= 0 else {
            throw .invalidMetadata(path: path, key: Key.step, reason: "'\(stepText)' is not a non-negative integer")
        }
        let plan: TilePlan = try decodeJSON(try entry(Key.tilePlan), key: Key.tilePlan, path: path)
        var history: SamplerHistory = try decodeJSON(try entry(Key.sampler), key: Key.sampler, path: path)
        let generator: TorchGenerator = try decodeJSON(try entry(Key.generator), key: Key.generator, path: path)

        let latent = try floats(latentTensor, in: file, plan: plan, channels: nil, path: path)
        if file.info(previousDenoisedTensor) != nil {
            history.previousDenoised = try floats(
                previousDenoisedTensor, in: file, plan: plan,
                channels: latent.count / max(plan.canvasWidth * plan.canvasHeight, 1),
                path: path)
        } else {
            history.previousDenoised = []
        }
        let state = RenderState(step: step, latent: latent, samplerHistory: history, generator: generator)
        return Checkpoint(
            state: state, parametersHash: try entry(Key.parametersHash), plan: plan,
            mosaicVersion: try entry(Key.mosaicVersion))
    }

    /// Reads an F32 tensor of shape `[1, C, H, W]` with the plan's H and W (and `channels`
    /// when given, else any positive C).
    private static func floats(
        _ name: String, in file: SafeTensors, plan: TilePlan, channels: Int?, path: String
    ) throws(CheckpointError) -> [Float] {
        guard let info = file.info(name) else { throw .malformed(path: path, .missingTensor(name)) }
        let actual = info.shape
        let expectedChannels = channels ?? (actual.count == 4 && actual[1] > 0 ? actual[1] : 1)
        let expected = [1, expectedChannels, plan.canvasHeight, plan.canvasWidth]
        guard actual == expected else {
            throw .shapeMismatch(path: path, tensor: name, expected: expected, actual: actual)
        }
        do { return try file.floats(name) } catch { throw .malformed(path: path, error) }
    }

    private static func decodeJSON<T: Decodable>(_ text: String, key: String, path: String) throws(CheckpointError) -> T
    {
        do {
            return try JSONDecoder().decode(T.self, from: Data(text.utf8))
        } catch {
            throw .invalidMetadata(path: path, key: key, reason: String(describing: error))
        }
    }
}
