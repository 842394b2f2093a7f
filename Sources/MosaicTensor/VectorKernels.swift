/// Element-wise kernels on float buffers, vectorised with `SIMD8<Float>`.
///
/// Every kernel processes elements independently and in index order, so results do not depend
/// on how a caller splits a buffer across threads.
public enum VectorKernels {
    /// `y[i] += a * x[i]`.
    @inlinable
    public static func axpy(_ a: Float, _ x: UnsafeBufferPointer<Float>, _ y: UnsafeMutableBufferPointer<Float>) {
        precondition(x.count == y.count, "axpy: \(x.count) != \(y.count)")
        guard let xp = x.baseAddress, let yp = y.baseAddress else { return }
        let n = x.count
        let av = SIMD8<Float>(repeating: a)
        var i = 0
        while i + 8 <= n {
            let xv = UnsafeRawPointer(xp + i).loadUnaligned(as: SIMD8<Float>.self)
            let yv = UnsafeRawPointer(yp + i).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(yp + i).storeBytes(of: yv + av * xv, as: SIMD8<Float>.self)
            i += 8
        }
        while i < n {
            yp[i] += a * xp[i]
            i += 1
        }
    }

    /// `x[i] *= a`.
    @inlinable
    public static func scale(_ x: UnsafeMutableBufferPointer<Float>, by a: Float) {
        guard let xp = x.baseAddress else { return }
        let n = x.count
        let av = SIMD8<Float>(repeating: a)
        var i = 0
        while i + 8 <= n {
            let xv = UnsafeRawPointer(xp + i).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(xp + i).storeBytes(of: xv * av, as: SIMD8<Float>.self)
            i += 8
        }
        while i < n {
            xp[i] *= a
            i += 1
        }
    }

    /// `y[i] += w[i] * x[i]`: accumulates a weighted tile into a canvas row.
    @inlinable
    public static func multiplyAdd(
        _ w: UnsafeBufferPointer<Float>, _ x: UnsafeBufferPointer<Float>, _ y: UnsafeMutableBufferPointer<Float>
    ) {
        precondition(w.count == x.count && x.count == y.count, "multiplyAdd: counts differ")
        guard let wp = w.baseAddress, let xp = x.baseAddress, let yp = y.baseAddress else { return }
        let n = x.count
        var i = 0
        while i + 8 <= n {
            let wv = UnsafeRawPointer(wp + i).loadUnaligned(as: SIMD8<Float>.self)
            let xv = UnsafeRawPointer(xp + i).loadUnaligned(as: SIMD8<Float>.self)
            let yv = UnsafeRawPointer(yp + i).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(yp + i).storeBytes(of: yv + wv * xv, as: SIMD8<Float>.self)
            i += 8
        }
        while i < n {
            yp[i] += wp[i] * xp[i]
            i += 1
        }
    }

    /// `y[i] *= w[i]`.
    @inlinable
    public static func multiply(_ w: UnsafeBufferPointer<Float>, _ y: UnsafeMutableBufferPointer<Float>) {
        precondition(w.count == y.count, "multiply: \(w.count) != \(y.count)")
        guard let wp = w.baseAddress, let yp = y.baseAddress else { return }
        let n = y.count
        var i = 0
        while i + 8 <= n {
            let wv = UnsafeRawPointer(wp + i).loadUnaligned(as: SIMD8<Float>.self)
            let yv = UnsafeRawPointer(yp + i).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(yp + i).storeBytes(of: yv * wv, as: SIMD8<Float>.self)
            i += 8
        }
        while i < n {
            yp[i] *= wp[i]
            i += 1
        }
    }
}
