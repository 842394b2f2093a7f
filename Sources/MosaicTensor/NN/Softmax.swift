/// Row-wise softmax, `softmax(scale * x)` along the last axis, in place.
///
/// The maximum and the sum use eight-lane accumulators and the exponentials a loop of their
/// own, so every pass vectorises (attention at 4096 tokens spends billions of `exp`s here).
public enum Softmax {
    /// Replaces each of `rows` rows of `columns` floats (row stride `stride`) by `softmax(scale * row)`.
    public static func rows(_ data: UnsafeMutablePointer<Float>, rows: Int, columns: Int, stride: Int,
                            scale: Float = 1) {
        for r in 0..<rows {
            let row = data + r * stride
            var maxVector = SIMD8<Float>(repeating: -.infinity)
            var i = 0
            while i + 8 <= columns {
                maxVector = pointwiseMax(maxVector, UnsafeRawPointer(row + i).loadUnaligned(as: SIMD8<Float>.self))
                i += 8
            }
            var maximum = maxVector.max()
            while i < columns { maximum = max(maximum, row[i]); i += 1 }
            let shift = maximum * scale
            for j in 0..<columns { row[j] = FastMath.exp(row[j] * scale - shift) }
            var sumVector = SIMD8<Float>()
            i = 0
            while i + 8 <= columns {
                sumVector += UnsafeRawPointer(row + i).loadUnaligned(as: SIMD8<Float>.self)
                i += 8
            }
            var total = sumVector.sum()
            while i < columns { total += row[i]; i += 1 }
            let inv = 1 / total
            for j in 0..<columns { row[j] *= inv }
        }
    }
}
