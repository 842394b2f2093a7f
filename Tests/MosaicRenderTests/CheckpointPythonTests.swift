import Foundation
import Testing
@testable import MosaicRender

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
        struct Tensor: Decodable { let shape: [Int]; let dtype: String; let bits: [UInt32] }
        let metadata: [String: String]
        let keys: [String]
        let tensors: [String: Tensor]
        let crc32: String
        let metadata_crc32: String
    }

    @Test func safeOpenSeesTensorsAndMetadata() throws {
        let python = try #require(CheckpointPython.interpreter)
        let scratch = try CheckpointScratch()
        var rng = CheckpointTestRNG(state: 21)
        let state = CheckpointFixtures.state(channels: 4, width: 24, height: 16, step: 7, history: true, rng: &rng)
        let store = CheckpointStore(directory: scratch.path, faults: .none)
        let written = try store.write(state, parametersHash: CheckpointFixtures.hash, plan: try CheckpointFixtures.plan(width: 24, height: 16))

        let result = try CheckpointPython.run(python, ["-c", Self.script, written.path])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try JSONDecoder().decode(Report.self, from: Data(result.stdout.utf8))
        #expect(report.keys == ["latent", "sampler.previous_denoised"])
        #expect(report.metadata["format"] == "mosaic-checkpoint/1")
        #expect(report.metadata["step"] == "7")
        #expect(report.metadata["parameters_hash"] == CheckpointFixtures.hash)
        #expect(report.metadata["crc32"] == report.crc32)
        #expect(report.metadata["metadata_crc32"] == report.metadata_crc32)
        for key in ["tile_plan", "sampler", "generator", "mosaic_version"] { #expect(report.metadata[key] != nil, "\(key)") }
        let latent = try #require(report.tensors["latent"])
        #expect(latent.shape == [1, 4, 16, 24])
        #expect(latent.dtype == "float32")
        #expect(latent.bits == state.latent.map(\.bitPattern))
        #expect(report.tensors["sampler.previous_denoised"]?.bits == state.samplerHistory.previousDenoised.map(\.bitPattern))
    }
}
