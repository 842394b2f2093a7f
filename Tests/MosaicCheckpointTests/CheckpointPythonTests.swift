import Foundation
import MosaicTensor
import MosaicTestSupport
import Testing

@testable import MosaicCheckpoint

/// A checkpoint opened by the reference implementation: Python's `safetensors.safe_open(path,
/// "np")`. Skipped where the package is missing (set `MOSAIC_TEST_PYTHON` to a venv's python).
@Suite(.enabled(if: CheckpointPython.interpreter != nil, "python3 with safetensors and numpy is not available"))
struct CheckpointPythonTests {
    static let script = #"""
        import json, struct, sys, zlib
        from safetensors import safe_open
        path = sys.argv[1]
        out = {}
        with safe_open(path, "np") as f:
            out["metadata"] = f.metadata()
            out["keys"] = sorted(f.keys())
            tensors = {}
            for key in f.keys():
                t = f.get_tensor(key)
                tensors[key] = {"shape": list(t.shape), "dtype": str(t.dtype),
                                "bits": [int(x) for x in t.reshape(-1).view("<u4")]}
            out["tensors"] = tensors
        with open(path, "rb") as fh:
            raw = fh.read()
        n = struct.unpack("<Q", raw[:8])[0]
        out["crc32"] = "%08x" % zlib.crc32(raw[8 + n:])
        meta = out["metadata"]
        blob = b"".join(k.encode() + b"\0" + meta[k].encode() + b"\0" for k in sorted(meta) if k != "metadata_crc32")
        out["metadata_crc32"] = "%08x" % zlib.crc32(blob)
        print(json.dumps(out))
        """#

    struct Report: Decodable {
        struct Tensor: Decodable {
            let shape: [Int]
            let dtype: String
            let bits: [UInt32]
        }
        let metadata: [String: String]
        let keys: [String]
        let tensors: [String: Tensor]
        let crc32: String
        let metadata_crc32: String
    }

    @Test func safeOpenSeesTensorsAndMetadata() throws {
        let python = try #require(CheckpointPython.interpreter)
        let scratch = try CheckpointScratch()
        var rng = SeededGenerator(seed: 21)
        let state = CheckpointFixtures.state(channels: 4, width: 24, height: 16, step: 7, history: true, rng: &rng)
        let store = CheckpointStore(directory: scratch.path, faults: .none)
        let written = try store.write(
            state, parametersHash: CheckpointFixtures.hash, plan: try CheckpointFixtures.plan(width: 24, height: 16))

        let result = try CheckpointPython.run(python, ["-c", Self.script, written.path])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try JSONDecoder().decode(Report.self, from: Data(result.stdout.utf8))
        #expect(report.keys == ["latent", "sampler.previous_denoised"])
        #expect(report.metadata["format"] == "mosaic-checkpoint/1")
        #expect(report.metadata["step"] == "7")
        #expect(report.metadata["parameters_hash"] == CheckpointFixtures.hash)
        #expect(report.metadata["crc32"] == report.crc32)
        #expect(report.metadata["metadata_crc32"] == report.metadata_crc32)
        for key in ["tile_plan", "sampler", "generator", "mosaic_version"] {
            #expect(report.metadata[key] != nil, "\(key)")
        }
        let latent = try #require(report.tensors["latent"])
        #expect(latent.shape == [1, 4, 16, 24])
        #expect(latent.dtype == "float32")
        #expect(latent.bits == state.latent.map(\.bitPattern))
        #expect(
            report.tensors["sampler.previous_denoised"]?.bits == state.samplerHistory.previousDenoised.map(\.bitPattern)
        )
    }

    /// The other direction: Mosaic's reader on a file written by `safetensors.numpy.save_file`.
    @Test func readsAFileWrittenByPython() throws {
        let python = try #require(CheckpointPython.interpreter)
        let scratch = try CheckpointScratch()
        let path = "\(scratch.path)/py.safetensors"
        let script = """
            import sys, numpy as np
            from safetensors.numpy import save_file
            save_file({"f": np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 7,
                       "u": np.array([0, 1, 2**32 - 1], dtype=np.uint32),
                       "i": np.array([[-2**63], [2**63 - 1]], dtype=np.int64),
                       "e": np.zeros((0, 3), dtype=np.float32)},
                      sys.argv[1], metadata={"format": "np", "note": "é"})
            """
        let result = try CheckpointPython.run(python, ["-c", script, path])
        #expect(result.status == 0, "\(result.stderr)")
        let file = try SafeTensors(parsing: [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
        #expect(file.metadata == ["format": "np", "note": "é"])
        #expect(try file.floats("f") == (0..<24).map { Float($0) / 7 })
        #expect(file.info("f")?.shape == [2, 3, 4])
        #expect(try file.uint32s("u") == [0, 1, .max])
        #expect(try file.int64s("i") == [.min, .max])
        #expect(try file.floats("e").isEmpty)
    }
}
