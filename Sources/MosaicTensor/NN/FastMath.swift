/// Scalar `exp`, `erf` and `sigmoid` written as straight-line code, so loops over them vectorise.
///
/// libm's `expf` is a call per element; these are Cephes-style polynomials with a relative
/// error of a few ulp (exp) and about 1.5e-7 absolute (erf, Abramowitz and Stegun 7.1.26).
public enum FastMath {
    /// `e^x`, with inputs clamped to [-87.3, 88] (so never inf or a denormal).
    @inlinable @inline(__always)
    public static func exp(_ input: Float) -> Float {
        let x = min(max(input, -87.3), 88)
        // n = round(x / ln 2) by the 1.5 * 2^23 trick (round to nearest even, no conversion call).
        let shifted = x * 1.442_695_04 + 12_582_912
        let n = shifted - 12_582_912
        var r = x - n * 0.693_359_375
        r = r - n * -2.121_944_4e-4
        var p: Float = 1.987_569_15e-4
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_6e-2
        p = p * r + 1.666_666_5e-1
        p = p * r + 5e-1
        let poly = (p * r) * r + r + 1
        let bits =
            UInt32(bitPattern: Int32(bitPattern: shifted.bitPattern &- Float(12_582_912).bitPattern) &+ 127) << 23
        return poly * Float(bitPattern: bits)
    }

    /// `1 / (1 + e^-x)`.
    @inlinable @inline(__always)
    public static func sigmoid(_ x: Float) -> Float { 1 / (1 + exp(-x)) }

    /// The error function, to about 1.5e-7 absolute (Abramowitz and Stegun 7.1.26).
    @inlinable @inline(__always)
    public static func erf(_ x: Float) -> Float {
        let a = abs(x)
        let t = 1 / (1 + 0.327_591_1 * a)
        var p: Float = 1.061_405_429
        p = p * t - 1.453_152_027
        p = p * t + 1.421_413_741
        p = p * t - 0.284_496_736
        p = p * t + 0.254_829_592
        let y = 1 - p * t * exp(-a * a)
        return x < 0 ? -y : y
    }
}
