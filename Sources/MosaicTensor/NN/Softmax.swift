/// Row-wise softmax, `softmax(scale * x)` along the last axis, in place.
///
/// Rows are processed while they sit in L1: a maximum with four independent accumulators, then
/// blocks of 64 exponentials (a loop the compiler vectorises) each summed while still hot.
/// Attention calls `exponentiate` and divides by the row sums only after multiplying by V,
/// which touches `headDim` values per row instead of `keyCount`.
public enum Softmax {
    /// Replaces each of `rows` rows of `columns` floats (row stride `stride`) by `softmax(scale * row)`.
    public static func rows(
        _ data: UnsafeMutablePointer<Float>, rows: Int, columns: Int, stride: Int,
        scale: Float = 1
    ) {
        for r in 0..<rows {
            let row = data + r * stride
            let inverse = 1 / exponentiate(row, columns: columns, scale: scale)
            for j in 0..<columns { row[j] *= inverse }
        }
    }

    /// Replaces `row[j]` by `exp(scale * row[j] - max_j(scale * row[j]))` and returns their sum.
    @inlinable
    public static func exponentiate(_ row: UnsafeMutablePointer<Float>, columns: Int, scale: Float) -> Float {
        var m0 = -Float.infinity
        var m1 = m0
        var m2 = m0
        var m3 = m0
        var i = 0
        while i + 4 <= columns {
            let a = row[i]
            let b = row[i + 1]
            let c = row[i + 2]
            let d = row[i + 3]
            m0 = a > m0 ? a : m0
            m1 = b > m1 ? b : m1
            m2 = c > m2 ? c : m2
            m3 = d > m3 ? d : m3
            i += 4
        }
        while i < columns {
            m0 = row[i] > m0 ? row[i] : m0
            i += 1
        }
        let maximum = max(max(m0, m1), max(m2, m3))
        // scale > 0 in attention; for a negative scale the maximum of scale * x is at the minimum.
        let shift = scale >= 0 ? maximum * scale : minimum(row, columns) * scale
        var total = SIMD8<Float>()
        var tail: Float = 0
        var start = 0
        while start < columns {
            let end = min(columns, start + 64)
            for j in start..<end { row[j] = FastMath.exp(row[j] * scale - shift) }
            var j = start
            while j + 8 <= end {
                total += UnsafeRawPointer(row + j).loadUnaligned(as: SIMD8<Float>.self)
                j += 8
            }
            while j < end {
                tail += row[j]
                j += 1
            }
            start = end
        }
        return total.sum() + tail
    }

    @usableFromInline
    static func minimum(_ row: UnsafeMutablePointer<Float>, _ columns: Int) -> Float {
        var m = Float.infinity
        for j in 0..<columns { m = row[j] < m ? row[j] : m }
        return m
    }
}
