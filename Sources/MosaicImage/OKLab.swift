// sRGB -> OKLab (Björn Ottosson, 2020). OKLab is close to perceptually uniform, so Euclidean
// distances in it track how visible a colour step is, which is what a seam metric should weigh.
// Plain scalar code on purpose: Swift's SIMD types are ~10x slower than scalars in debug builds,
// which made the test suite crawl, while in release scalars are within ~30% of SIMD here.
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An OKLab colour: lightness `l` in 0...1 and the opponent axes `a` (green-red), `b` (blue-yellow).
struct OKLab: Equatable {
    var l: Float
    var a: Float
    var b: Float

    static let zero = OKLab(l: 0, a: 0, b: 0)

    /// sRGB transfer function decoded once per code value: 256 floats instead of a `pow` per sample.
    static let linear: [Float] = (0..<256).map { code in
        let c = Double(code) / 255
        return Float(c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4))
    }

    /// OKLab of the pixel whose red sample is at `pixels[offset]`; `table` is `linear`'s storage.
    @inline(__always)
    static func convert(
        _ pixels: UnsafeBufferPointer<UInt8>, at offset: Int, table: UnsafeBufferPointer<Float>
    ) -> OKLab {
        let r = table[Int(pixels[offset])]
        let g = table[Int(pixels[offset + 1])]
        let b = table[Int(pixels[offset + 2])]
        let l = cubeRoot(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b)
        let m = cubeRoot(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b)
        let s = cubeRoot(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b)
        return OKLab(
            l: 0.2104542553 * l + 0.7936177850 * m - 0.0040720468 * s,
            a: 1.9779984951 * l - 2.4285922050 * m + 0.4505937099 * s,
            b: 0.0259040371 * l + 0.7827717662 * m - 0.8086757660 * s)
    }

    /// Cube root for x in [0, 1]: a bit-level first guess refined by two Halley steps.
    /// glibc's cbrtf (with its scalbnf/frexpf helpers) would dominate the seam metric's time;
    /// this is within ~1e-7 relative of it on (0, 1] and exactly 0 at 0.
    @inline(__always)
    static func cubeRoot(_ x: Float) -> Float {
        guard x > 0 else { return 0 }
        // A third of the bit pattern (plus a bias fix) is cbrt to within ~5%.
        var y = Float(bitPattern: x.bitPattern / 3 &+ 0x2A51_37A0)
        var y3 = y * y * y
        y *= (y3 + 2 * x) / (2 * y3 + x)  // Halley: cubic convergence, ~1e-4
        y3 = y * y * y
        y *= (y3 + 2 * x) / (2 * y3 + x)  // ~1e-7 (Float precision)
        return y
    }

    /// Euclidean distance between two OKLab colours.
    @inline(__always)
    static func distance(_ p: OKLab, _ q: OKLab) -> Float {
        let dl = p.l - q.l
        let da = p.a - q.a
        let db = p.b - q.b
        return (dl * dl + da * da + db * db).squareRoot()
    }
}
