// The on-disk form of a Checkpoint: one safetensors file that anyone can open with
// `safetensors.safe_open(path, "np")`.
//
//   tensors   latent                     F32 [1, C, H, W]   the canvas latent (NCHW)
//             sampler.previous_denoised  F32 [1, C, H, W]   only when the history has one
//   metadata  format           mosaic-checkpoint/1
//             step             the next step to take, decimal
//             parameters_hash  RenderParameters.checkpointHash
//             tile_plan        TilePlan as JSON
//             sampler          SamplerHistory as JSON, without previousDenoised (it is a tensor)
//             generator        TorchGenerator as JSON (seed, 624 MT words, position, cached normal)
//             mosaic_version   the writer's version
//             crc32            CRC-32 (zlib) of the data section, 8 hex digits
//             metadata_crc32   CRC-32 over every other metadata entry, sorted by key, each
//                              written as key, NUL, value, NUL (UTF-8)
//
// The data CRC catches torn or bit-rotted tensors; the metadata CRC catches a corrupted header
// value (a flipped digit in the generator's words would otherwise resume a different noise
// stream and silently break bit-identical resumes). The generator stays JSON because its
// Mersenne Twister words are internal to MosaicDiffusion; its Codable form is exact (integers
// and a bit pattern) and versioned.

import Foundation
import MosaicDiffusion
import MosaicTensor

/// Encodes and decodes ``Checkpoint`` values as safetensors bytes.
public enum CheckpointFile {
    /// The value of the `format` metadata entry.
    public static let format = "mosaic-checkpoint/1"
    /// The latent tensor's name.
    public static let latentTensor = "latent"
    /// The sampler history's previous data prediction's tensor name.
    public static let previousDenoisedTensor = "sampler.previous_denoised"

    /// Metadata keys.
    enum Key {
        static let format = "format", step = "step", parametersHash = "parameters_hash", tilePlan = "tile_plan"
        static let sampler = "sampler", generator = "generator", mosaicVersion = "mosaic_version"
        static let crc32 = "crc32", metadataCRC32 = "metadata_crc32"
    }

    /// The complete file for `checkpoint`.
    public static func encode(_ checkpoint: Checkpoint) throws(CheckpointError) -> [UInt8] {
        try encodeParts(checkpoint).serialized()
    }

    /// The file as a writer whose metadata is complete: its header, then its data chunks.
    static func encodeParts(_ checkpoint: Checkpoint) throws(CheckpointError) -> SafeTensorsWriter {
        var writer = try unsealedParts(checkpoint)
        seal(&writer, dataChecksum: writer.dataChecksum())
        return writer
    }

    /// The file's tensors and metadata without the two checksums, which ``seal(_:dataChecksum:)``
    /// adds. Both are 8 hex digits, so sealing with any value gives a header of the same length:
    /// a writer can place the data first and compute its checksum while copying it.
    static func unsealedParts(_ checkpoint: Checkpoint) throws(CheckpointError) -> SafeTensorsWriter {
        let state = checkpoint.state
        guard state.step >= 0 else { throw .invalidState(reason: "step \(state.step) is negative") }
        guard let shape = checkpoint.latentShape else {
            throw .invalidState(
                reason: "latent of \(state.latent.count) values does not fill whole channels of the "
                    + "\(checkpoint.plan.canvasWidth)x\(checkpoint.plan.canvasHeight) canvas")
        }
        let history = state.samplerHistory.previousDenoised
        guard history.isEmpty || history.count == state.latent.count else {
            throw .invalidState(
                reason: "sampler history holds \(history.count) values, the latent \(state.latent.count)")
        }
        var writer = SafeTensorsWriter()
        do {
            try writer.add(latentTensor, floats: state.latent, shape: shape)
            if !history.isEmpty { try writer.add(previousDenoisedTensor, floats: history, shape: shape) }
        } catch {
            throw .invalidState(reason: error.description)
        }
        var samplerWithoutArray = state.samplerHistory
        samplerWithoutArray.previousDenoised = []
        writer.metadata = [
            Key.format: format,
            Key.step: String(state.step),
            Key.parametersHash: checkpoint.parametersHash,
            Key.tilePlan: try json(checkpoint.plan, key: Key.tilePlan),
            Key.sampler: try json(samplerWithoutArray, key: Key.sampler),
            Key.generator: try json(state.generator, key: Key.generator),
            Key.mosaicVersion: checkpoint.mosaicVersion,
        ]
        return writer
    }

    /// Sets the data section's checksum and then the metadata's (replacing earlier ones).
    static func seal(_ writer: inout SafeTensorsWriter, dataChecksum: UInt32) {
        writer.metadata[Key.crc32] = CRC32.hex(dataChecksum)
        writer.metadata[Key.metadataCRC32] = CRC32.hex(metadataChecksum(writer.metadata))
    }

    /// The CRC-32 over every metadata entry except `metadata_crc32`, sorted by key, each as
    /// key, NUL, value, NUL.
    static func metadataChecksum(_ metadata: [String: String]) -> UInt32 {
        var crc = CRC32()
        let keys = metadata.keys.filter { $0 != Key.metadataCRC32 }
            .sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
        for key in keys {
            crc.update(Array(key.utf8) + [0] + Array((metadata[key] ?? "").utf8) + [0])
        }
        return crc.value
    }

    private static func json<T: Encodable>(_ value: T, key: String) throws(CheckpointError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            throw .invalidState(reason: "cannot encode \(key): \(error)")
        }
    }
}
