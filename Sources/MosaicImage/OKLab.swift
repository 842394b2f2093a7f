// sRGB -> OKLab (Björn Ottosson, 2020). OKLab is close to perceptually uniform, so Euclidean
// distances in it track how visible a colour step is, which is what a seam metric should weigh.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Conversion of 8-bit sRGB samples to OKLab `(L, a, b)` (L in 0...1).
enum OKLab {
    /// sRGB transfer function decoded once per code value: 256 floats instead of a `pow` per sample.
    static let linear: [Float] = (0..<256).map { code in
        let c = Double(code) / 255
        return Float(c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4))
    }

    /// OKLab of the pixel whose red sample is at `pixels[offset]`; `table` is `linear`'s storage.
    @inline(__always)
    static func convert(
        _ pixels: UnsafeBufferPointer<UInt8>, at offset: Int, table: UnsafeBufferPointer<Float>
    ) -> SIMD3<Float> {
        let r = table[Int(pixels[offset])]
        let g = table[Int(pixels[offset + 1])]
        let b = table[Int(pixels[offset + 2])]
        let l = cbrtf(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b)
        let m = cbrtf(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b)
        let s = cbrtf(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b)
        return SIMD3(
            0.2104542553 * l + 0.7936177850 * m - 0.0040720468 * s,
            1.9779984951 * l - 2.4285922050 * m + 0.4505937099 * s,
            0.0259040371 * l + 0.7827717662 * m - 0.8086757660 * s)
    }

    /// Euclidean distance between two OKLab colours.
    @inline(__always)
    static func distance(_ p: SIMD3<Float>, _ q: SIMD3<Float>) -> Float {
        let d = p - q
        return (d * d).sum().squareRoot()
    }
}
