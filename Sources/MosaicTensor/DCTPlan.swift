import Foundation

/// The orthonormal DCT-II of one length, as a matrix, so 2-D transforms run as `sgemm`.
///
/// `matrix[k * size + i] = c_k * cos(pi * (2i + 1) * k / (2 * size))` with `c_0 = sqrt(1/size)`
/// and `c_k = sqrt(2/size)`; the matrix is orthogonal, so its transpose is the inverse (DCT-III).
/// This is `scipy.fft.dct(x, type=2, norm="ortho")`.
public struct DCTPlan: Sendable {
    /// The transform length.
    public let size: Int
    /// The `size x size` DCT-II matrix, row-major (row = frequency).
    public let matrix: [Float]

    /// Builds the DCT-II matrix of length `size` (computed in double precision).
    public init(size: Int) {
        precondition(size > 0, "DCT size must be positive")
        self.size = size
        var m = [Float](repeating: 0, count: size * size)
        let n = Double(size)
        for k in 0..<size {
            let c = k == 0 ? (1 / n).squareRoot() : (2 / n).squareRoot()
            for i in 0..<size {
                m[k * size + i] = Float(c * cos(Double.pi * Double(2 * i + 1) * Double(k) / (2 * n)))
            }
        }
        self.matrix = m
    }
}
