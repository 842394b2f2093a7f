// Two ways to compute a*b + c with a single rounding on Float.
//
// torch's AVX2 kernel is compiled with FMA contraction, so its polynomials round
// once per multiply-add (see CephesAVX2.swift). Swift cannot enable the FMA
// instruction per function, and a package built for baseline x86-64 turns
// `addingProduct` into a libm `fmaf` call per lane: exact, but about ten calls
// per output sample, several times too slow for multi-megapixel latents.
//
// `EmulatedFMA` works in Double instead: the product of two Floats is exact in
// Double (24 + 24 <= 53 bits), so only the sum rounds, and then the conversion to
// Float rounds again. That double rounding differs from one fused rounding only
// when the Double sum is inexact *and* lands exactly on a midpoint between two
// Floats. Rather than trust an argument per step, the kernel's whole input
// domain was checked: each log input is 1 - k * 2^-24 and each sincos input is
// (float)(2 pi) * k * 2^-24 for k in 0..<2^24, and for all 2 * 2^24 of them the
// emulated and exact paths agree bit for bit. The test
// `emulatedFMAMatchesFusedOnKernelDomain` samples that domain; with
// MOSAIC_NOISE_EXHAUSTIVE=1 it covers every input again.

/// A multiply-add with one rounding on Float.
protocol FusedMultiplyAdd {
    /// Returns `a * b + c` rounded once to Float.
    static func fma(_ a: Float, _ b: Float, _ c: Float) -> Float
}

/// True fused multiply-add through `addingProduct` (hardware FMA or libm `fmaf`);
/// the reference the fast path is checked against.
enum ExactFMA: FusedMultiplyAdd {
    @inline(__always)
    static func fma(_ a: Float, _ b: Float, _ c: Float) -> Float {
        c.addingProduct(a, b)
    }
}

/// Multiply-add evaluated in Double and rounded to Float: equal to a fused
/// multiply-add on every input the Box-Muller kernel can receive (see above),
/// not in general.
enum EmulatedFMA: FusedMultiplyAdd {
    @inline(__always)
    static func fma(_ a: Float, _ b: Float, _ c: Float) -> Float {
        Float(Double(a) * Double(b) + Double(c))
    }
}
