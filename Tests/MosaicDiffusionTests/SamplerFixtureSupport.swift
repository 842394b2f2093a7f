import Foundation
import MosaicDiffusion

/// Loads the diffusers reference fixtures written by
/// scripts/reference/make_sampler_fixtures.py (see its header for the layout).
enum SamplerFixtures {
    /// Tests/MosaicDiffusionTests/Fixtures/samplers, found from this file's path.
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .appendingPathComponent("Fixtures/samplers", isDirectory: true)

    static func load<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
        let data = try Data(contentsOf: directory.appendingPathComponent(name))
        return try JSONDecoder().decode(T.self, from: data)
    }

    /// Decodes a float32 array written as 8 hex digits (big-endian bit pattern) per value.
    static func floats(_ hex: String) -> [Float] {
        let bytes = Array(hex.utf8)
        precondition(bytes.count % 8 == 0, "hex float array has a partial value")
        func nibble(_ c: UInt8) -> UInt32 {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(c - UInt8(ascii: "a") + 10)
            default: preconditionFailure("not a hex digit: \(c)")
            }
        }
        return stride(from: 0, to: bytes.count, by: 8).map { start in
            var bits: UInt32 = 0
            for c in bytes[start..<start + 8] { bits = bits << 4 | nibble(c) }
            return Float(bitPattern: bits)
        }
    }

    struct Schedule: Decodable {
        let betas: String
        let alphas_cumprod: String
        let train_sigmas: String
    }

    struct KindFile: Decodable {
        let kind: String
        let diffusers_class: String
        let runs: [Run]
    }

    struct Run: Decodable {
        let steps: Int
        let shape: [Int]
        let timesteps: [Double]
        let init_noise_sigma: Double
        let initial_noise: String
        let model_outputs: [String]
        let scaled_inputs: [String]
        let outputs: [String]
        let sigmas: String?
        let sigmas_float64: [Double]?
        let alpha_prod_t: String?
        let alpha_prod_t_prev: String?
        let step_noise: [String]?
        let initial_noise_seed: UInt64?
        let step_noise_seed: UInt64?
    }

    struct SpacingFile: Decodable {
        let records: [SpacingRecord]
    }

    struct SpacingRecord: Decodable {
        let kind: String
        let timestep_spacing: String
        let steps: Int
        let timesteps: [Double]?
        let sigmas: String?
        let alpha_prod_t: String?
        let alpha_prod_t_prev: String?
        let init_noise_sigma: Double?
        let error: String?
    }

    static func kindFile(_ kind: SamplerKind) throws -> KindFile {
        try load(KindFile.self, "\(kind.rawValue).json")
    }
}

/// How far a Swift result is from diffusers' reference.
///
/// - `relativeMax`: max_i |a_i - b_i| / max(max_i |b_i|, 1e-6), the error relative to the
///   reference's largest magnitude (the tolerance the tests assert);
/// - `relativeL2`: ||a - b||₂ / max(||b||₂, 1e-6) (also asserted);
/// - `elementwise`: max_i |a_i - b_i| / max(|b_i|, 1e-6), the strictest, reported only: it
///   blows up on elements that are near zero after cancellation.
struct ErrorStats: CustomStringConvertible {
    var relativeMax = 0.0
    var relativeL2 = 0.0
    var elementwise = 0.0
    var differingElements = 0

    init() {}

    init<A: Collection, B: Collection>(_ actual: A, _ expected: B)
    where A.Element: BinaryFloatingPoint, B.Element: BinaryFloatingPoint {
        precondition(actual.count == expected.count)
        var maxDiff = 0.0
        var maxRef = 0.0
        var diff2 = 0.0
        var ref2 = 0.0
        for (a, b) in zip(actual, expected) {
            let a = Double(a)
            let b = Double(b)
            let d = abs(a - b)
            if a != b || a.isNaN != b.isNaN { differingElements += 1 }
            maxDiff = max(maxDiff, d.isNaN ? .infinity : d)
            maxRef = max(maxRef, abs(b))
            diff2 += d * d
            ref2 += b * b
            elementwise = max(elementwise, d.isNaN ? .infinity : d / max(abs(b), 1e-6))
        }
        relativeMax = maxDiff / max(maxRef, 1e-6)
        relativeL2 = diff2.squareRoot() / max(ref2.squareRoot(), 1e-6)
    }

    mutating func merge(_ other: ErrorStats) {
        relativeMax = max(relativeMax, other.relativeMax)
        relativeL2 = max(relativeL2, other.relativeL2)
        elementwise = max(elementwise, other.elementwise)
        differingElements += other.differingElements
    }

    func within(_ tolerance: Double) -> Bool {
        relativeMax <= tolerance && relativeL2 <= tolerance
    }

    var description: String {
        "relMax \(relativeMax), relL2 \(relativeL2), elementwise \(elementwise), differing \(differingElements)"
    }
}

/// Replays the noise tensors diffusers drew, one per fillNormal call, and records misuse.
struct ReplayNoise: NoiseSource {
    var tensors: [[Float]]
    var next = 0
    var problems: [String] = []

    init(_ tensors: [[Float]]) { self.tensors = tensors }

    mutating func fillNormal(_ buffer: UnsafeMutableBufferPointer<Float>) {
        guard next < tensors.count else {
            problems.append("fillNormal call \(next + 1) but only \(tensors.count) noise tensors were drawn")
            for i in buffer.indices { buffer[i] = .nan }
            return
        }
        let tensor = tensors[next]
        if tensor.count != buffer.count {
            problems.append(
                "fillNormal call \(next + 1) asked for \(buffer.count) values, diffusers drew \(tensor.count)")
        }
        for i in buffer.indices { buffer[i] = i < tensor.count ? tensor[i] : .nan }
        next += 1
    }
}

/// A noise source deterministic samplers must never touch.
struct ForbiddenNoise: NoiseSource {
    var calls = 0
    mutating func fillNormal(_ buffer: UnsafeMutableBufferPointer<Float>) {
        calls += 1
        for i in buffer.indices { buffer[i] = .nan }
    }
}

/// Tolerance from the brief: 1e-5 relative.
let samplerTolerance = 1e-5
