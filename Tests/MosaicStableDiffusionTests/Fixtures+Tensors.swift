import Foundation
import MosaicTensor

@testable import MosaicStableDiffusion

extension Fixtures {
    /// A float reference tensor (`model`'s `reference/file`, tensor `name`) as a `Tensor`.
    static func tensor(_ model: String, _ file: String, _ name: String) throws -> Tensor {
        let (shape, values) = try floats(model, file, name)
        return try Tensor(shape: shape, scalars: values)
    }

    /// An I64 reference tensor as rows of its last dimension (token ids per prompt).
    static func rows(_ model: String, _ file: String, _ name: String) throws -> [[Int]] {
        let (shape, values) = try int64s(model, file, name)
        let width = max(1, shape.last ?? values.count)
        return stride(from: 0, to: values.count, by: width).map { Array(values[$0..<min(values.count, $0 + width)]) }
    }
}

/// `||a - b|| / ||b||` over all elements (`b` is the reference).
func relativeL2(_ a: [Float], _ b: [Float]) -> Double {
    precondition(a.count == b.count, "relativeL2: \(a.count) vs \(b.count) elements")
    var difference = 0.0
    var norm = 0.0
    for i in a.indices {
        let d = Double(a[i]) - Double(b[i])
        difference += d * d
        norm += Double(b[i]) * Double(b[i])
    }
    return (difference / max(norm, 1e-300)).squareRoot()
}
