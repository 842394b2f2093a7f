// Widening of stored 16-bit weights to fp32, sixteen values per step with SIMD integer
// arithmetic (no F16C dependency, so it runs on any x86-64 or arm64 target):
// - bfloat16 is the top half of an fp32, so widening is a 16-bit shift;
// - IEEE half: sign moved to bit 31; exponent and mantissa shifted into fp32's place and the
//   exponent rebiased (fp32 bias 127 minus half bias 15); half subnormals become the fp32
//   normals they are; infinities and NaNs (exponent all ones) keep their payload.
// Sources are read with unaligned loads: a safetensors data section may start at any offset.

/// Converts little-endian fp16, bf16 and fp32 bytes to fp32 values.
public enum HalfConversion {
    /// Widens `count` little-endian IEEE half values at `source` into `destination`.
    public static func float16ToFloat32(
        _ source: UnsafeRawPointer, _ destination: UnsafeMutablePointer<Float>, count: Int
    ) {
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
    public static func bfloat16ToFloat32(
        _ source: UnsafeRawPointer, _ destination: UnsafeMutablePointer<Float>, count: Int
    ) {
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
    public static func float32ToFloat32(
        _ source: UnsafeRawPointer, _ destination: UnsafeMutablePointer<Float>, count: Int
    ) {
        UnsafeMutableRawPointer(destination).copyMemory(from: source, byteCount: 4 * count)
        #if _endian(big)
            for i in 0..<count { destination[i] = Float(bitPattern: UInt32(littleEndian: destination[i].bitPattern)) }
        #endif
    }

    /// The fp32 bit patterns of sixteen half bit patterns (each in the low 16 bits of a lane),
    /// after `half_to_float_fast5` of F. Giesen's "Half to float done quick": the exponent is
    /// rebiased with an integer add; infinities and NaNs get the rest of the exponent; half
    /// subnormals get exponent 1 and then 2^-14 subtracted as floats, an exact operation on
    /// normal operands (no lane ever meets a denormal, which costs a microcode assist on x86).
    /// Lane selection uses integer masks (arithmetic shifts), which vectorise; SIMDMask does not.
    @inline(__always)
    static func widenHalfBits(_ half: SIMD16<UInt32>) -> SIMD16<UInt32> {
        let sign = (half & 0x8000) &<< 16
        let shifted = (half & 0x7fff) &<< 13
        let exponent = shifted & 0x0f80_0000
        var bits = shifted &+ 0x3800_0000  // (127 - 15) << 23
        bits = bits &+ (equalMask(exponent, 0x0f80_0000) & 0x3800_0000)  // inf/NaN: exponent all ones
        let subnormal = unsafeBitCast(
            unsafeBitCast(bits &+ 0x0080_0000, to: SIMD16<Float>.self) - Float(bitPattern: 0x3880_0000),
            to: SIMD16<UInt32>.self)
        let isSubnormal = equalMask(exponent, 0)
        return sign | (bits & ~isSubnormal) | (subnormal & isSubnormal)
    }

    /// All ones in the lanes where `value == constant`, zero elsewhere (values below 2^31).
    @inline(__always)
    static func equalMask(_ value: SIMD16<UInt32>, _ constant: UInt32) -> SIMD16<UInt32> {
        let difference = SIMD16<Int32>(truncatingIfNeeded: value ^ SIMD16(repeating: constant))
        let nonzero = (difference | (0 &- difference)) &>> 31  // -1 where the difference is not 0
        return SIMD16<UInt32>(truncatingIfNeeded: ~nonzero)
    }

    /// The fp32 bit pattern of one half bit pattern (the scalar tail of the vector version).
    @inline(__always)
    static func widenHalfBits(_ half: UInt32) -> UInt32 {
        let sign = (half & 0x8000) << 16
        let shifted = (half & 0x7fff) << 13
        let exponent = shifted & 0x0f80_0000
        if exponent == 0x0f80_0000 { return sign | shifted | 0x7f80_0000 }
        if exponent == 0 {
            return sign | (Float(bitPattern: shifted + 0x3880_0000) - Float(bitPattern: 0x3880_0000)).bitPattern
        }
        return sign | (shifted + 0x3800_0000)
    }
}
