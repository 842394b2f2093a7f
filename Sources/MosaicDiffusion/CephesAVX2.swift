// The Box-Muller block of torch's AVX2 CPU kernel, reproduced operation by operation.
//
// For float32 tensors with at least 16 elements torch (ATen/native/cpu/
// DistributionTemplates.h, `NormalFill16<float>` under CPU_CAPABILITY_AVX2) turns
// 16 uniforms into 16 normals: u1 = 1 - d[0..<8], u2 = d[8..<16],
// r = sqrt(-2 log u1), theta = 2 pi u2, d[0..<8] = r cos theta, d[8..<16] = r sin theta.
// log and sincos are not libm but avx_mathfun.h's `log256_ps` / `sincos256_ps`
// (Julien Pommier's SSE port of the Cephes single-precision polynomials).
//
// Exactness depends on how the shipped binary evaluates them, not only on the
// source: the wheel (torch 2.15.0+cu132, GCC 13.3, -O2, GNU default
// -ffp-contract=fast) contracts most `mul` + `add` intrinsic pairs into FMA.
// The order below follows the disassembly of
// `NormalFill16<float, true>::operator()` in libtorch_cpu.so, and was confirmed
// against the fixtures: the variant without contraction differs in the last bit
// for a few percent of outputs. Contracted steps are written `f.fma(a, b, c)`
// (a*b + c, one rounding); everything else rounds per operation.
// Constants are the exact Float bit patterns found in the binary.

/// Bit-exact replica of torch's AVX2 Box-Muller block (avx_mathfun log/sincos).
enum CephesAVX2 {
    typealias Lanes = SIMD8<Float>
    typealias Bits = SIMD8<UInt32>

    /// Transforms 16 uniforms in place into 16 standard normals, as torch's AVX2
    /// kernel does (mean 0, std 1).
    @inline(__always)
    static func transform16(_ block: UnsafeMutablePointer<Float>) {
        transform16(block, using: EmulatedFMA8.self)
    }

    /// `transform16` with the given multiply-add; `ExactFMA8` is the reference.
    @inline(__always)
    static func transform16<F: FusedMultiplyAdd8>(_ block: UnsafeMutablePointer<Float>, using _: F.Type) {
        let raw = UnsafeMutableRawPointer(block)
        let u1 = 1 - raw.loadUnaligned(as: Lanes.self)
        let u2 = raw.loadUnaligned(fromByteOffset: 32, as: Lanes.self)
        let radius = (Lanes(repeating: -2) * log(u1, F.self)).squareRoot()
        let theta = Lanes(repeating: Float(bitPattern: 0x40C9_0FDB)) * u2  // (float)(2 pi)
        let (sine, cosine) = sincos(theta, F.self)
        // torch stores fma(n, std, mean) = n * 1 + 0: only a -0 changes (to +0).
        raw.storeBytes(of: radius * cosine + 0, as: Lanes.self)
        raw.storeBytes(of: radius * sine + 0, toByteOffset: 32, as: Lanes.self)
    }

    @inline(__always)
    private static func bits(_ x: Lanes) -> Bits { unsafeBitCast(x, to: Bits.self) }
    @inline(__always)
    private static func lanes(_ x: Bits) -> Lanes { unsafeBitCast(x, to: Lanes.self) }
    @inline(__always)
    private static func constant(_ pattern: UInt32) -> Lanes { Lanes(repeating: Float(bitPattern: pattern)) }

    /// `cvttps2dq` for lanes in [0, 2^22), without the generic (and slow)
    /// `SIMD8<Int32>(_:rounding:)`: adding 2^23 rounds to an integer held in the
    /// low mantissa bits; step back by one where that rounded up.
    @inline(__always)
    private static func truncateSmall(_ v: Lanes) -> SIMD8<Int32> {
        let magic = Lanes(repeating: 0x1p23)
        let shifted = v + magic
        let nearest = SIMD8<Int32>(truncatingIfNeeded: bits(shifted) &- bits(magic))
        let roundedUp = (shifted - magic) .> v
        return nearest &- SIMD8<Int32>(repeating: 0).replacing(with: 1, where: roundedUp)
    }

    /// `log256_ps`: natural log as mantissa/exponent split plus a degree-8 polynomial.
    @inline(__always)
    static func log<F: FusedMultiplyAdd8>(_ input: Lanes, _ f: F.Type) -> Lanes {
        let invalid = input .<= 0
        // Clamp away denormals (never active for u1 in [2^-24, 1], kept for fidelity).
        let minNormal = Lanes(repeating: Float.leastNormalMagnitude)
        let clamped = input.replacing(with: minNormal, where: input .< minNormal)

        let exponentBits = SIMD8<Int32>(truncatingIfNeeded: bits(clamped) &>> 23) &- 0x7F
        var x = lanes((bits(clamped) & ~0x7F80_0000) | 0x3F00_0000)  // mantissa in [0.5, 1)
        var e = Lanes(exponentBits) + 1

        // If x < sqrt(1/2): e -= 1, x = x + x - 1; else x = x - 1.
        let small = x .< constant(0x3F35_04F3)  // 0.707106781186547524
        let tmp = Lanes(repeating: 0).replacing(with: x, where: small)
        x = x - 1
        e = e - Lanes(repeating: 0).replacing(with: 1, where: small)
        x = x + tmp

        let z = x * x
        var y = f.fma(constant(0x3D90_21BB), x, constant(0xBDEB_D1B8))  // p0 7.0376836292e-2, p1 -1.1514610310e-1
        y = f.fma(y, x, constant(0x3DEF_251A))  // p2  1.1676998740e-1
        y = f.fma(y, x, constant(0xBDFE_5D4F))  // p3 -1.2420140846e-1
        y = f.fma(y, x, constant(0x3E11_E9BF))  // p4  1.4249322787e-1
        y = f.fma(y, x, constant(0xBE2A_AE50))  // p5 -1.6668057665e-1
        y = f.fma(y, x, constant(0x3E4C_CEAC))  // p6  2.0000714765e-1
        y = f.fma(y, x, constant(0xBE7F_FFFC))  // p7 -2.4999993993e-1
        y = f.fma(y, x, constant(0x3EAA_AAAA))  // p8  3.3333331174e-1
        y = y * x
        y = f.fma(y, z, e * constant(0xB95E_8083))  // + e * q1 (-2.12194440e-4)
        y = y - z * 0.5  // a fused negative multiply-add in torch; z * 0.5 is exact, so the same
        x = x + y
        x = f.fma(e, constant(0x3F31_8000), x)  // + e * q2 (0.693359375)
        return lanes(bits(x) | Bits(truncatingIfNeeded: SIMD8<Int32>(repeating: 0).replacing(with: -1, where: invalid)))
    }

    /// `sincos256_ps`: Cody-Waite reduction by pi/4 in three parts, then the
    /// Cephes sine and cosine polynomials, selected per octant.
    @inline(__always)
    static func sincos<F: FusedMultiplyAdd8>(_ input: Lanes, _ f: F.Type) -> (sin: Lanes, cos: Lanes) {
        var signSin = bits(input) & 0x8000_0000
        var x = lanes(bits(input) & 0x7FFF_FFFF)

        // j = (int(|x| * 4/pi) + 1) & ~1 picks the octant pair.
        var j = truncateSmall(x * constant(0x3FA2_F983))  // 1.27323954473516
        j = (j &+ 1) & ~1
        let y = Lanes(j)
        let swapSignSin = Bits(truncatingIfNeeded: (j & 4) &<< 29)
        let usesCosinePolynomialForSin = (j & 2) .!= 0
        let signCos = Bits(truncatingIfNeeded: (~(j &- 2) & 4) &<< 29)
        signSin ^= swapSignSin

        x = f.fma(y, constant(0xBF49_0000), x)  // - y * DP1 (0.78515625)
        x = f.fma(y, constant(0xB97D_A000), x)  // - y * DP2 (2.4187564849853515625e-4)
        x = f.fma(y, constant(0xB322_2169), x)  // - y * DP3 (3.77489497744594108e-8)

        let z = x * x
        var cosPoly = f.fma(constant(0x37CC_F5CE), z, constant(0xBAB6_061A))  // 2.443315711809948e-5, -1.388731625493765e-3
        cosPoly = f.fma(cosPoly, z, constant(0x3D2A_AAA5))  // 4.166664568298827e-2
        cosPoly = cosPoly * z
        cosPoly = f.fma(z, cosPoly, -(z * 0.5))
        cosPoly = cosPoly + 1

        var sinPoly = f.fma(constant(0xB94C_A1F9), z, constant(0x3C08_839E))  // -1.9515295891e-4, 8.3321608736e-3
        sinPoly = f.fma(sinPoly, z, constant(0xBE2A_AAA3))  // -1.6666654611e-1
        sinPoly = sinPoly * z
        sinPoly = f.fma(sinPoly, x, x)

        // torch blends with and/andnot and then adds the two halves (one of them
        // +0), which turns a -0 into +0; mirror it rather than a plain select.
        let zero = Lanes(repeating: 0)
        let sinFromSin = zero.replacing(with: sinPoly, where: .!usesCosinePolynomialForSin)
        let sinFromCos = zero.replacing(with: cosPoly, where: usesCosinePolynomialForSin)
        let sine = sinFromCos + sinFromSin
        let cosine = (sinPoly - sinFromSin) + (cosPoly - sinFromCos)
        return (lanes(bits(sine) ^ signSin), lanes(bits(cosine) ^ signCos))
    }
}
