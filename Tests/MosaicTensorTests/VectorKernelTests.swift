import MosaicTestSupport
import Testing

@testable import MosaicTensor

@Suite struct VectorKernelTests {
    static let counts = [0, 1, 7, 8, 9, 31, 64, 1000, 4099]

    @Test(arguments: counts)
    func axpyMatchesReference(count: Int) {
        var rng = SeededGenerator(seed: UInt64(count) + 1)
        let x = rng.floats(count)
        let y0 = rng.floats(count)
        let a: Float = 1.375
        var y = y0
        x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { VectorKernels.axpy(a, xp, $0) } }
        #expect(y == zip(x, y0).map { $1 + a * $0 })
    }

    @Test(arguments: counts)
    func scaleMatchesReference(count: Int) {
        var rng = SeededGenerator(seed: UInt64(count) + 2)
        let x0 = rng.floats(count)
        var x = x0
        x.withUnsafeMutableBufferPointer { VectorKernels.scale($0, by: -0.3) }
        #expect(x == x0.map { $0 * -0.3 })
    }

    @Test(arguments: counts)
    func multiplyAddAndMultiplyMatchReference(count: Int) {
        var rng = SeededGenerator(seed: UInt64(count) + 3)
        let w = rng.floats(count)
        let x = rng.floats(count)
        let y0 = rng.floats(count)
        var y = y0
        w.withUnsafeBufferPointer { wp in
            x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { VectorKernels.multiplyAdd(wp, xp, $0) }
            }
        }
        #expect(y == (0..<count).map { y0[$0] + w[$0] * x[$0] })
        var z = y0
        w.withUnsafeBufferPointer { wp in z.withUnsafeMutableBufferPointer { VectorKernels.multiply(wp, $0) } }
        #expect(z == zip(w, y0).map { $0 * $1 })
    }
}
