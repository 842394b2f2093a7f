// Widening of stored 16-bit weights to fp32, sixteen values per step with SIMD integer
// arithmetic (no F16C dependency, so it runs on any x86-64 or arm64 target):
// - bfloat16 is the top half of an fp32, so widening is a 16-bit shift;
// - IEEE half: sign moved to bit 31; the exponent and mantissa shifted into fp32's place and
//   rescaled by 2^112 (fp32 bias 127 minus half bias 15), which also turns half subnormals
//   into the right fp32 normals; infinities and NaNs (exponent all ones) keep their payload.
// Sources are read with unaligned loads: a safetensors data section may start at any offset.

/// Converts little-endian fp16, bf16 and fp32 bytes to fp32 values.
public enum HalfConversion {
    /// Widens `count` little-endian IEEE half values at `source` into `destination`.
    public static func float16ToFloat32(_ source: UnsafeRawPointer, _ destination: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        #if _endian(little)
        while i + 16 <= count {
            let halves = source.loadUnaligned(fromByteOffset: 2 * i, as: SIMD16<UInt16>.self)
            let wide = SIMD16<UInt32>(truncatingIfNeeded: halves)
            let bits = widenHalfBits(wide)
            UnsafeMutableRawPointer(destination + i).storeBytes(of: bits, as: SIMD16<UInt32>.self)
            i += 16
        }
        #endif
        while i < count {
            let half = UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
            destination[i] = Float(bitPattern: widenHalfBits(UInt32(half)))
            i += 1
        }
    }

    /// Widens `count` little-endian bfloat16 values at `source` into `destination`.
    public static func bfloat16ToFloat32(_ source: UnsafeRawPointer, _ destination: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        #if _endian(little)
        while i + 16 <= count {
            let halves = source.loadUnaligned(fromByteOffset: 2 * i, as: SIMD16<UInt16>.self)
            let wide = SIMD16<UInt32>(truncatingIfNeeded: halves) &<< 16
            UnsafeMutableRawPointer(destination + i).storeBytes(of: wide, as: SIMD16<UInt32>.self)
            i += 16
        }
        #endif
        while i < count {
            let half = UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
            destination[i] = Float(bitPattern: UInt32(half) << 16)
            i += 1
        }
    }

    /// Copies `count` little-endian fp32 values at `source` (any alignment) into `destination`.
    public static func float32ToFloat32(_ source: UnsafeRawPointer, _ destination: UnsafeMutablePointer<Float>, count: Int) {
        UnsafeMutableRawPointer(destination).copyMemory(from: source, byteCount: 4 * count)
        #if _endian(big)
        for i in 0..<count { destination[i] = Float(bitPattern: UInt32(littleEndian: destination[i].bitPattern)) }
        #endif
    }

    /// The fp32 bit patterns of sixteen half bit patterns (each in the low 16 bits of a lane).
    @inline(__always)
    static func widenHalfBits(_ half: SIMD16<UInt32>) -> SIMD16<UInt32> {
        let sign = (half & 0x8000) &<< 16
        let magnitude = half & 0x7fff
        let shifted = magnitude &<< 13
        let scaled = unsafeBitCast(unsafeBitCast(shifted, to: SIMD16<Float>.self) * 0x1p112, to: SIMD16<UInt32>.self)
        let special = shifted | 0x7f80_0000
        return sign | scaled.replacing(with: special, where: magnitude .>= 0x7c00)
    }

    /// The fp32 bit pattern of one half bit pattern (the scalar tail of ``widenHalfBits(_:)``).
    @inline(__always)
    static func widenHalfBits(_ half: UInt32) -> UInt32 {
        let sign = (half & 0x8000) << 16
        let magnitude = half & 0x7fff
        let shifted = magnitude << 13
        if magnitude >= 0x7c00 { return sign | shifted | 0x7f80_0000 }
        return sign | (Float(bitPattern: shifted) * 0x1p112).bitPattern
    }
}
