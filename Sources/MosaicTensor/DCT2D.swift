/// A 2-D orthonormal DCT-II over `channels` planes of `height x width`, as two `sgemm`s per plane.
///
/// Forward: `Y = D_h X D_w^T`; inverse: `X = D_h^T Y D_w`. Planes are stored one after another
/// (CHW), as latent tiles are.
public struct DCT2D: Sendable {
    /// The transform along rows (length `height`).
    public let rows: DCTPlan
    /// The transform along columns (length `width`).
    public let columns: DCTPlan

    /// Creates the transform for `height x width` planes.
    public init(height: Int, width: Int) {
        rows = DCTPlan(size: height)
        columns = height == width ? rows : DCTPlan(size: width)
    }

    /// The plane height.
    public var height: Int { rows.size }
    /// The plane width.
    public var width: Int { columns.size }
    /// Scratch elements `forward` and `inverse` need for `channels` planes.
    public func scratchCount(channels: Int) -> Int { channels * height * width }

    /// `output[c] = D_h input[c] D_w^T` for every plane `c`.
    public func forward(
        _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>,
        channels: Int, scratch: UnsafeMutablePointer<Float>
    ) {
        let h = height
        let w = width
        columns.matrix.withUnsafeBufferPointer { dwBuffer in
            guard let dw = dwBuffer.baseAddress else { return }
            // All planes at once: (channels*h x w) * D_w^T.
            BLAS.sgemm(
                transposeB: true, m: channels * h, n: w, k: w,
                a: input, lda: w, b: dw, ldb: w, c: scratch, ldc: w)
        }
        rows.matrix.withUnsafeBufferPointer { dhBuffer in
            guard let dh = dhBuffer.baseAddress else { return }
            for c in 0..<channels {
                BLAS.sgemm(
                    m: h, n: w, k: h, a: dh, lda: h,
                    b: scratch + c * h * w, ldb: w, c: output + c * h * w, ldc: w)
            }
        }
    }

    /// `output[c] = D_h^T input[c] D_w` for every plane `c` (the inverse of `forward`).
    public func inverse(
        _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>,
        channels: Int, scratch: UnsafeMutablePointer<Float>
    ) {
        let h = height
        let w = width
        columns.matrix.withUnsafeBufferPointer { dwBuffer in
            guard let dw = dwBuffer.baseAddress else { return }
            BLAS.sgemm(
                m: channels * h, n: w, k: w,
                a: input, lda: w, b: dw, ldb: w, c: scratch, ldc: w)
        }
        rows.matrix.withUnsafeBufferPointer { dhBuffer in
            guard let dh = dhBuffer.baseAddress else { return }
            for c in 0..<channels {
                BLAS.sgemm(
                    transposeA: true, m: h, n: w, k: h, a: dh, lda: h,
                    b: scratch + c * h * w, ldb: w, c: output + c * h * w, ldc: w)
            }
        }
    }
}
