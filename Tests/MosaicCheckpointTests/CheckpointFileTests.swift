import Foundation
import MosaicDiffusion
import MosaicRender
import MosaicTensor
import MosaicTestSupport
import Testing

@testable import MosaicCheckpoint

@Suite struct CheckpointFileTests {
    @Test(arguments: [(1, 8, 8, false), (4, 13, 9, true), (4, 64, 96, true), (4, 64, 96, false), (3, 1, 40, true)])
    func roundTripIsBitExact(channels: Int, width: Int, height: Int, history: Bool) throws {
        var rng = SeededGenerator(seed: UInt64(channels * 1000 + width * 10 + height))
        let state = CheckpointFixtures.state(
            channels: channels, width: width, height: height, step: 5, history: history, rng: &rng)
        let plan = try CheckpointFixtures.plan(width: width, height: height)
        let checkpoint = Checkpoint(state: state, parametersHash: CheckpointFixtures.hash, plan: plan)
        let bytes = try CheckpointFile.encode(checkpoint)
        let decoded = try CheckpointFile.decode(bytes, path: "mem")
        #expect(CheckpointFixtures.sameBits(decoded.state, state))
        #expect(decoded.plan == plan)
        #expect(decoded.parametersHash == CheckpointFixtures.hash)
        #expect(decoded.mosaicVersion == MosaicVersion.current)
        // Deterministic bytes: the same checkpoint encodes identically.
        #expect(try CheckpointFile.encode(checkpoint) == bytes)
        // The restored generator continues the stream exactly.
        var original = state.generator
        var restored = decoded.state.generator
        #expect(original.normal(count: 40) == restored.normal(count: 40))
        #expect(original.normal(count: 1) == restored.normal(count: 1))
    }

    @Test func aRealRenderStateRoundTrips() throws {
        let parameters = RenderParameters(
            prompt: "x", width: 256, height: 128, steps: 4, sampler: .dpmpp2m, seed: 9, tileSize: 16, tileOverlap: 4)
        let pool = WorkerPool(threadCount: 1)
        defer { pool.shutdown() }
        let renderer = try Renderer(parameters: parameters, pool: pool)
        try renderer.run()
        let state = renderer.state
        let plan = try TilePlan(method: .overlap, canvasWidth: 32, canvasHeight: 16, tileSize: 16, overlap: 4, seed: 9)
        let bytes = try CheckpointFile.encode(
            Checkpoint(state: state, parametersHash: parameters.checkpointHash, plan: plan))
        #expect(try CheckpointFile.decode(bytes, path: "mem").state == state)
    }

    /// The header parsed with Foundation's JSONSerialization, not with Mosaic's reader.
    @Test func headerParsesIndependently() throws {
        var rng = SeededGenerator(seed: 11)
        let state = CheckpointFixtures.state(channels: 4, width: 12, height: 10, step: 3, history: true, rng: &rng)
        let plan = try CheckpointFixtures.plan(width: 12, height: 10)
        let bytes = try CheckpointFile.encode(
            Checkpoint(state: state, parametersHash: CheckpointFixtures.hash, plan: plan))
        let length = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let header = try #require(
            try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + length)])) as? [String: Any])
        let metadata = try #require(header["__metadata__"] as? [String: String])
        #expect(metadata["format"] == "mosaic-checkpoint/1")
        #expect(metadata["step"] == "3")
        #expect(metadata["parameters_hash"] == CheckpointFixtures.hash)
        #expect(metadata["mosaic_version"] == MosaicVersion.current)
        let data = Array(bytes[(8 + length)...])
        #expect(metadata["crc32"] == CRC32.hex(CRC32.checksum(data)))
        #expect(try JSONDecoder().decode(TilePlan.self, from: Data(try #require(metadata["tile_plan"]).utf8)) == plan)
        #expect(
            try JSONDecoder().decode(TorchGenerator.self, from: Data(try #require(metadata["generator"]).utf8))
                == state.generator)
        let latent = try #require(header["latent"] as? [String: Any])
        #expect(latent["dtype"] as? String == "F32")
        #expect(latent["shape"] as? [Int] == [1, 4, 10, 12])
        #expect(latent["data_offsets"] as? [Int] == [0, 4 * 480])
        let history = try #require(header["sampler.previous_denoised"] as? [String: Any])
        #expect(history["data_offsets"] as? [Int] == [4 * 480, 8 * 480])
        #expect(data.count == 8 * 480)
        let firstBits = UInt32(data[0]) | UInt32(data[1]) << 8 | UInt32(data[2]) << 16 | UInt32(data[3]) << 24
        #expect(firstBits == state.latent[0].bitPattern)
    }

    @Test func emptyHistoryWritesNoHistoryTensor() throws {
        var rng = SeededGenerator(seed: 12)
        let state = CheckpointFixtures.state(channels: 4, width: 8, height: 8, step: 0, history: false, rng: &rng)
        let bytes = try CheckpointFile.encode(
            Checkpoint(state: state, parametersHash: "h", plan: try CheckpointFixtures.plan(width: 8, height: 8)))
        #expect(try SafeTensors(parsing: bytes).tensors.map(\.name) == ["latent"])
    }

    @Test func encodingRefusesALatentThatDoesNotFitThePlan() throws {
        var rng = SeededGenerator(seed: 13)
        var state = CheckpointFixtures.state(channels: 4, width: 8, height: 8, step: 0, history: false, rng: &rng)
        state.latent.removeLast()
        #expect(throws: CheckpointError.self) {
            try CheckpointFile.encode(
                Checkpoint(state: state, parametersHash: "h", plan: try CheckpointFixtures.plan(width: 8, height: 8)))
        }
    }

    static func encoded(history: Bool = true) throws -> (bytes: [UInt8], dataOffset: Int) {
        var rng = SeededGenerator(seed: 14)
        let state = CheckpointFixtures.state(channels: 4, width: 8, height: 8, step: 2, history: history, rng: &rng)
        let bytes = try CheckpointFile.encode(
            Checkpoint(state: state, parametersHash: "h", plan: try CheckpointFixtures.plan(width: 8, height: 8)))
        return (bytes, try SafeTensors(parsing: bytes).dataOffset)
    }

    @Test func aFlippedDataByteIsAChecksumMismatch() throws {
        var (bytes, offset) = try Self.encoded()
        bytes[offset + 100] ^= 0x10
        #expect {
            try CheckpointFile.decode(bytes, path: "p")
        } throws: { error in
            guard case .checksumMismatch(let path, _, _) = error as? CheckpointError else { return false }
            return path == "p"
        }
    }

    @Test func aChangedMetadataValueIsAMetadataChecksumMismatch() throws {
        let (bytes, _) = try Self.encoded()
        // Same length, so the header stays valid JSON with valid offsets: "step":"2" -> "7".
        let needle = Array(#""step":"2""#.utf8)
        let at = try #require(
            (0...(bytes.count - needle.count)).first { bytes[$0..<($0 + needle.count)].elementsEqual(needle) })
        var tampered = bytes
        tampered[at + needle.count - 2] = UInt8(ascii: "7")
        #expect {
            try CheckpointFile.decode(tampered, path: "p")
        } throws: { error in
            guard case .metadataChecksumMismatch = error as? CheckpointError else { return false }
            return true
        }
    }

    @Test func wrongShapesAndFormatsAreNamed() throws {
        // A structurally valid file with correct checksums but a latent of the wrong height.
        var writer = SafeTensorsWriter()
        try writer.add("latent", floats: [Float](repeating: 1, count: 4 * 8 * 7), shape: [1, 4, 7, 8])
        let (good, offset) = try Self.encoded(history: false)
        var metadata = try SafeTensors(parsing: good).metadata
        _ = offset
        metadata["crc32"] = CRC32.hex(CRC32.checksum(writer.data))
        metadata["metadata_crc32"] = CRC32.hex(CheckpointFile.metadataChecksum(metadata))
        writer.metadata = metadata
        #expect(
            throws: CheckpointError.shapeMismatch(
                path: "p", tensor: "latent", expected: [1, 4, 8, 8], actual: [1, 4, 7, 8])
        ) {
            try CheckpointFile.decode(writer.serialized(), path: "p")
        }
        writer.metadata = ["format": "pt"]
        #expect(throws: CheckpointError.unsupportedFormat(path: "p", found: "pt")) {
            try CheckpointFile.decode(writer.serialized(), path: "p")
        }
        #expect(throws: CheckpointError.malformed(path: "p", .truncatedHeaderLength(fileSize: 0))) {
            try CheckpointFile.decode([], path: "p")
        }
    }
}
