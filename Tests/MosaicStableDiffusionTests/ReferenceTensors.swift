import Foundation
import MosaicTensor
@testable import MosaicStableDiffusion

/// Reference outputs recorded by scripts/sd_fixtures/make_fixtures.py, read from one
/// `reference/*.safetensors` file.
struct ReferenceTensors {
    let file: MappedSafeTensors

    /// Opens `Fixtures/<model>/reference/<name>`.
    init(_ model: String, _ name: String) throws {
        file = try MappedSafeTensors(path: Fixtures.reference(model, name))
    }

    /// A float tensor (F32/F16/BF16) widened to fp32.
    func tensor(_ name: String) throws -> Tensor {
        let weights = try SafeTensorsWeights(path: file.path)
        let stored = try weights.tensor(named: name)
        return try Tensor(shape: stored.shape, scalars: stored.floats())
    }

    /// An I64 tensor as rows of its last dimension.
    func int64Rows(_ name: String) throws -> [[Int]] {
        guard let info = file.info(name) else { throw ReferenceError.missing(name) }
        let bytes = file.bytes(of: info)
        let count = bytes.count / 8, width = info.shape.last ?? count
        let values = (0..<count).map { Int(Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self))) }
        return stride(from: 0, to: count, by: max(width, 1)).map { Array(values[$0..<min(count, $0 + width)]) }
    }

    /// A reference tensor the file lacks.
    enum ReferenceError: Error { case missing(String) }
}

/// `||a - b|| / ||b||` over all elements (`b` is the reference).
func relativeL2(_ a: [Float], _ b: [Float]) -> Double {
    precondition(a.count == b.count, "relativeL2: \(a.count) vs \(b.count) elements")
    var difference = 0.0, norm = 0.0
    for i in a.indices {
        let d = Double(a[i]) - Double(b[i])
        difference += d * d
        norm += Double(b[i]) * Double(b[i])
    }
    return (difference / max(norm, 1e-300)).squareRoot()
}
