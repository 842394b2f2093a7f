import MosaicTensor
import Testing

/// The vectorised widening against Swift's own scalar conversions, on every half bit pattern
/// (so every subnormal, infinity and NaN) and on random bfloat16 patterns at odd alignments.
@Suite struct HalfConversionTests {
    @Test func everyHalfBitPatternMatchesTheScalarConversion() {
        let patterns = (0...0xFFFF).map { UInt16($0) }
        var out = [Float](repeating: 0, count: patterns.count)
        patterns.withUnsafeBytes { raw in
            out.withUnsafeMutableBufferPointer { dst in
                HalfConversion.float16ToFloat32(raw.baseAddress!, dst.baseAddress!, count: patterns.count)
            }
        }
        var mismatches = 0
        for (bits, value) in zip(patterns, out) {
            let expected = Float(Float16(bitPattern: bits))
            if expected.isNaN {
                if !value.isNaN || value.sign != expected.sign { mismatches += 1 }
            } else if expected.bitPattern != value.bitPattern {
                mismatches += 1
            }
        }
        #expect(mismatches == 0)
    }

    @Test(arguments: [0, 1, 3]) func unalignedHalfAndBFloat16InputsConvert(offset: Int) {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15 &+ UInt64(offset)
        let count = 53
        var bytes = [UInt8](repeating: 0, count: offset + 2 * count)
        var patterns: [UInt16] = []
        for i in 0..<count {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let bits = UInt16(truncatingIfNeeded: state >> 33)
            patterns.append(bits)
            bytes[offset + 2 * i] = UInt8(bits & 0xFF)
            bytes[offset + 2 * i + 1] = UInt8(bits >> 8)
        }
        var halves = [Float](repeating: 0, count: count)
        var brains = [Float](repeating: 0, count: count)
        bytes.withUnsafeBytes { raw in
            halves.withUnsafeMutableBufferPointer { dst in
                HalfConversion.float16ToFloat32(raw.baseAddress! + offset, dst.baseAddress!, count: count)
            }
            brains.withUnsafeMutableBufferPointer { dst in
                HalfConversion.bfloat16ToFloat32(raw.baseAddress! + offset, dst.baseAddress!, count: count)
            }
        }
        for i in 0..<count {
            let half = Float(Float16(bitPattern: patterns[i]))
            #expect(half.isNaN ? halves[i].isNaN : half.bitPattern == halves[i].bitPattern)
            #expect(brains[i].bitPattern == UInt32(patterns[i]) << 16)
        }
    }
}
