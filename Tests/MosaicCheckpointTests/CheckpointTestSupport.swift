import Foundation
import MosaicDiffusion
import MosaicTestSupport

@testable import MosaicCheckpoint

extension SeededGenerator {
    /// Arbitrary float bit patterns, NaN payloads and subnormals included: a checkpoint must carry
    /// every one bit for bit.
    mutating func floatBitPatterns(_ count: Int) -> [Float] {
        (0..<count).map { _ in Float(bitPattern: UInt32(truncatingIfNeeded: next())) }
    }
}

/// A temporary directory, removed when the value goes away.
final class CheckpointScratch {
    let path: String

    init() throws {
        path =
            FileManager.default.temporaryDirectory.appendingPathComponent("mosaic-checkpoint-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func files(in subdirectory: String = "") -> [String] {
        let directory = subdirectory.isEmpty ? path : "\(path)/\(subdirectory)"
        return ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }
}

enum CheckpointFixtures {
    /// A tile plan of `width` x `height` latent pixels.
    static func plan(width: Int, height: Int, seed: UInt64 = 7) throws -> TilePlan {
        try TilePlan(method: .overlap, canvasWidth: width, canvasHeight: height, tileSize: 16, overlap: 4, seed: seed)
    }

    /// A state with random latent bits, a DPM++ history (empty or full) and a generator moved
    /// along both of torch's paths (so its cached double normal is set).
    static func state(
        channels: Int, width: Int, height: Int, step: Int, history: Bool, rng: inout SeededGenerator
    ) -> RenderState {
        let count = channels * width * height
        var generator = TorchGenerator(seed: rng.next())
        _ = generator.normal(count: 37)
        _ = generator.normal(count: 3)
        let samplerHistory = SamplerHistory(
            kind: .dpmpp2m, stepCount: 30, config: NoiseScheduleConfig(), nextStep: step,
            lowerOrderNums: min(step, 2), previousDenoised: history ? rng.floatBitPatterns(count) : [])
        return RenderState(
            step: step, latent: rng.floatBitPatterns(count), samplerHistory: samplerHistory, generator: generator)
    }

    /// Bitwise equality of float arrays (== would fail on NaN).
    static func sameBits(_ a: [Float], _ b: [Float]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
    }

    /// Bitwise equality of two states.
    static func sameBits(_ a: RenderState, _ b: RenderState) -> Bool {
        var ha = a.samplerHistory
        var hb = b.samplerHistory
        let same = sameBits(a.latent, b.latent) && sameBits(ha.previousDenoised, hb.previousDenoised)
        ha.previousDenoised = []
        hb.previousDenoised = []
        return same && a.step == b.step && ha == hb && a.generator == b.generator
    }

    static let hash = String(repeating: "ab", count: 32)
    static let otherHash = String(repeating: "cd", count: 32)
}

/// A Python interpreter with `safetensors` and `numpy`, if there is one: `MOSAIC_TEST_PYTHON`
/// or `python3`. CI has none, so the tests that need it are skipped there.
enum CheckpointPython {
    static let interpreter: String? = {
        let candidate = ProcessInfo.processInfo.environment["MOSAIC_TEST_PYTHON"] ?? "python3"
        guard let result = try? run(candidate, ["-c", "import safetensors, numpy"]), result.status == 0 else {
            return nil
        }
        return candidate
    }()

    static func run(_ executable: String, _ arguments: [String]) throws -> Command.Result {
        try Command.run("/usr/bin/env", [executable] + arguments)
    }
}
