import Foundation
import MosaicTestSupport
import Testing

@testable import MosaicTensor

/// Direct O(h^2 w^2) orthonormal 2-D DCT-II in double precision.
func naiveDCT2D(_ x: [Float], height h: Int, width w: Int) -> [Float] {
    func c(_ k: Int, _ n: Int) -> Double { k == 0 ? (1 / Double(n)).squareRoot() : (2 / Double(n)).squareRoot() }
    var out = [Float](repeating: 0, count: h * w)
    for u in 0..<h {
        for v in 0..<w {
            var sum = 0.0
            for i in 0..<h {
                for j in 0..<w {
                    sum +=
                        Double(x[i * w + j])
                        * cos(Double.pi * Double(2 * i + 1) * Double(u) / Double(2 * h))
                        * cos(Double.pi * Double(2 * j + 1) * Double(v) / Double(2 * w))
                }
            }
            out[u * w + v] = Float(c(u, h) * c(v, w) * sum)
        }
    }
    return out
}

@Suite struct DCTTests {
    @Test(arguments: [(1, 1), (4, 4), (8, 5), (12, 20), (33, 16)])
    func forwardMatchesNaiveAndInverseRoundTrips(shape: (Int, Int)) {
        let (h, w) = shape
        let channels = 3
        var rng = SeededGenerator(seed: UInt64(h * 100 + w))
        let x = rng.floats(channels * h * w)
        let dct = DCT2D(height: h, width: w)
        var y = [Float](repeating: 0, count: x.count)
        var back = [Float](repeating: 0, count: x.count)
        var scratch = [Float](repeating: 0, count: dct.scratchCount(channels: channels))
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in
                scratch.withUnsafeMutableBufferPointer { sp in
                    dct.forward(xp.baseAddress!, yp.baseAddress!, channels: channels, scratch: sp.baseAddress!)
                }
            }
        }
        for c in 0..<channels {
            let plane = Array(x[(c * h * w)..<((c + 1) * h * w)])
            let got = Array(y[(c * h * w)..<((c + 1) * h * w)])
            #expect(maxRelativeError(got, naiveDCT2D(plane, height: h, width: w)) < 1e-5)
        }
        y.withUnsafeBufferPointer { yp in
            back.withUnsafeMutableBufferPointer { bp in
                scratch.withUnsafeMutableBufferPointer { sp in
                    dct.inverse(yp.baseAddress!, bp.baseAddress!, channels: channels, scratch: sp.baseAddress!)
                }
            }
        }
        #expect(maxRelativeError(back, x) < 1e-5)
    }
}
