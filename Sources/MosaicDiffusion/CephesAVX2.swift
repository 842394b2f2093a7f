// The Box-Muller block of torch's AVX2 CPU kernel, reproduced operation by operation.
//
// For float32 tensors with at least 16 elements torch (PyTorch 2.15.0
// `aten/src/ATen/native/cpu/DistributionTemplates.h`, `NormalFill16<float>` under
// CPU_CAPABILITY_AVX2) turns 16 uniforms into 16 normals: u1 = 1 - d[0..<8], u2 = d[8..<16],
// r = sqrt(-2 log u1), theta = 2 pi u2, d[0..<8] = r cos theta, d[8..<16] = r sin theta.
// log and sincos are not libm but `log256_ps` / `sincos256_ps` of
// `aten/src/ATen/native/cpu/avx_mathfun.h` (Julien Pommier's SSE port of the Cephes
// single-precision polynomials).
//
// Exactness depends on how the shipped binary evaluates them, not only on the
// source: the wheel (torch 2.15.0+cu132, GCC 13.3, -O2, GNU default
// -ffp-contract=fast) contracts most `mul` + `add` intrinsic pairs into FMA.
// The order below follows the disassembly of
// `NormalFill16<float, true>::operator()` in libtorch_cpu.so, and was confirmed
// against the fixtures: the same code with every multiply and add rounded
// separately misses 1476 of their 151800 float-path outputs (about 1%).
// Contracted steps are written `f.fma(a, b, c)` (a*b + c, one rounding);
// everything else rounds per operation.
// Constants are the exact Float bit patterns found in the binary.
//
// Written per lane (scalar Float code over the 8 lanes of a half-block) rather
// than with SIMD8: the standard library's SIMD conversions and square root are
// element loops that LLVM leaves scalar, whereas plain per-lane code in a
// fixed-length loop is vectorised as a whole. Masked AVX operations become
// selects; the and/andnot-then-add blend is kept where it can flip a zero's sign.

/// Bit-exact replica of torch's AVX2 Box-Muller block (avx_mathfun log/sincos).
enum CephesAVX2 {
    /// Transforms 16 uniforms in place into 16 standard normals, as torch's AVX2
    /// kernel does (mean 0, std 1).
    @inline(__always)
    static func transform16(_ block: UnsafeMutablePointer<Float>) {
        transform16(block, using: EmulatedFMA.self)
    }

    /// `transform16` with the given multiply-add; `ExactFMA` is the reference.
    @inline(__always)
    static func transform16<F: FusedMultiplyAdd>(_ block: UnsafeMutablePointer<Float>, using _: F.Type) {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 8) { radiusSquared in
            // Two loops: `squareRoot()` may call libm (errno), which would keep
            // this first, heavy loop from being vectorised.
            for lane in 0..<8 {
                radiusSquared[lane] = -2 * log(1 - block[lane], F.self)
                let theta = Float(bitPattern: 0x40C9_0FDB) * block[lane + 8]  // (float)(2 pi) * u2
                let (sine, cosine) = sincos(theta, F.self)
                block[lane] = cosine
                block[lane + 8] = sine
            }
            for lane in 0..<8 {
                let radius = radiusSquared[lane].squareRoot()
                // torch stores fma(n, std, mean) = n * 1 + 0: only a -0 changes (to +0).
                block[lane] = radius * block[lane] + 0
                block[lane + 8] = radius * block[lane + 8] + 0
            }
        }
    }

    /// `log256_ps` on one lane: mantissa/exponent split plus a degree-8 polynomial.
    @inline(__always)
    static func log<F: FusedMultiplyAdd>(_ input: Float, _ f: F.Type) -> Float {
        let invalid = input <= 0
        // Clamp away denormals as `maxps(x, minNormal)` does, NaN included (never
        // active for u1 in [2^-24, 1]; kept for fidelity).
        let clamped = input > .leastNormalMagnitude ? input : .leastNormalMagnitude
        let exponent = Int32(bitPattern: clamped.bitPattern >> 23) &- 0x7F
        var x = Float(bitPattern: (clamped.bitPattern & ~0x7F80_0000) | 0x3F00_0000)  // mantissa in [0.5, 1)
        var e = Float(exponent) + 1

        // If x < sqrt(1/2): e -= 1, x = x + x - 1; else x = x - 1.
        let small = x < Float(bitPattern: 0x3F35_04F3)  // 0.707106781186547524
        let tmp: Float = small ? x : 0
        x = x - 1
        e = e - (small ? 1 : 0)
        x = x + tmp

        let z = x * x
        // p0 7.0376836292e-2, p1 -1.1514610310e-1
        var y = f.fma(Float(bitPattern: 0x3D90_21BB), x, Float(bitPattern: 0xBDEB_D1B8))
        y = f.fma(y, x, Float(bitPattern: 0x3DEF_251A))  // p2  1.1676998740e-1
        y = f.fma(y, x, Float(bitPattern: 0xBDFE_5D4F))  // p3 -1.2420140846e-1
        y = f.fma(y, x, Float(bitPattern: 0x3E11_E9BF))  // p4  1.4249322787e-1
        y = f.fma(y, x, Float(bitPattern: 0xBE2A_AE50))  // p5 -1.6668057665e-1
        y = f.fma(y, x, Float(bitPattern: 0x3E4C_CEAC))  // p6  2.0000714765e-1
        y = f.fma(y, x, Float(bitPattern: 0xBE7F_FFFC))  // p7 -2.4999993993e-1
        y = f.fma(y, x, Float(bitPattern: 0x3EAA_AAAA))  // p8  3.3333331174e-1
        y = y * x
        y = f.fma(y, z, e * Float(bitPattern: 0xB95E_8083))  // + e * q1 (-2.12194440e-4)
        y = y - z * 0.5  // a fused negative multiply-add in torch; z * 0.5 is exact, so the same
        x = x + y
        x = f.fma(e, Float(bitPattern: 0x3F31_8000), x)  // + e * q2 (0.693359375)
        return invalid ? Float(bitPattern: 0xFFFF_FFFF) : x  // torch ORs in an all-ones mask
    }

    /// `sincos256_ps` on one lane: Cody-Waite reduction by pi/4 in three parts,
    /// then the Cephes sine and cosine polynomials, selected per octant.
    @inline(__always)
    static func sincos<F: FusedMultiplyAdd>(_ input: Float, _ f: F.Type) -> (sin: Float, cos: Float) {
        var x = Float(bitPattern: input.bitPattern & 0x7FFF_FFFF)

        // j = (int(|x| * 4/pi) + 1) & ~1 picks the octant pair (cvttps2dq; |x| * 4/pi < 8 here).
        var j = truncate(x * Float(bitPattern: 0x3FA2_F983))  // 1.27323954473516
        j = (j &+ 1) & ~1
        let y = Float(j)
        let signSin = (input.bitPattern & 0x8000_0000) ^ (UInt32(bitPattern: j & 4) << 29)
        let signCos = UInt32(bitPattern: ~(j &- 2) & 4) << 29
        let sinUsesCosPolynomial = j & 2 != 0

        x = f.fma(y, Float(bitPattern: 0xBF49_0000), x)  // - y * DP1 (0.78515625)
        x = f.fma(y, Float(bitPattern: 0xB97D_A000), x)  // - y * DP2 (2.4187564849853515625e-4)
        x = f.fma(y, Float(bitPattern: 0xB322_2169), x)  // - y * DP3 (3.77489497744594108e-8)

        let z = x * x
        // cos: 2.443315711809948e-5, -1.388731625493765e-3
        var cosPoly = f.fma(Float(bitPattern: 0x37CC_F5CE), z, Float(bitPattern: 0xBAB6_061A))
        cosPoly = f.fma(cosPoly, z, Float(bitPattern: 0x3D2A_AAA5))  // 4.166664568298827e-2
        cosPoly = cosPoly * z
        cosPoly = f.fma(z, cosPoly, -(z * 0.5))
        cosPoly = cosPoly + 1

        // sin: -1.9515295891e-4, 8.3321608736e-3
        var sinPoly = f.fma(Float(bitPattern: 0xB94C_A1F9), z, Float(bitPattern: 0x3C08_839E))
        sinPoly = f.fma(sinPoly, z, Float(bitPattern: 0xBE2A_AAA3))  // -1.6666654611e-1
        sinPoly = sinPoly * z
        sinPoly = f.fma(sinPoly, x, x)

        // torch blends with and/andnot and then adds the two halves (one of them
        // +0), which turns a -0 into +0; mirror it rather than a plain select.
        let sinFromSin: Float = sinUsesCosPolynomial ? 0 : sinPoly
        let sinFromCos: Float = sinUsesCosPolynomial ? cosPoly : 0
        let sine = sinFromCos + sinFromSin
        let cosine = (sinPoly - sinFromSin) + (cosPoly - sinFromCos)
        return (Float(bitPattern: sine.bitPattern ^ signSin), Float(bitPattern: cosine.bitPattern ^ signCos))
    }

    /// `cvttps2dq` for values in [0, 2^22): adding 2^23 rounds to an integer held
    /// in the low mantissa bits; step back by one where that rounded up. (Swift's
    /// `Int32(_:)` would add a range check that blocks vectorisation.)
    @inline(__always)
    private static func truncate(_ v: Float) -> Int32 {
        let shifted = v + 0x1p23
        let nearest = Int32(bitPattern: shifted.bitPattern &- Float(0x1p23).bitPattern)
        return shifted - 0x1p23 > v ? nearest &- 1 : nearest
    }
}
