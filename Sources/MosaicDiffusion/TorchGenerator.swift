// A seeded noise source that reproduces PyTorch's CPU generator bit for bit.
//
// Diffusion pipelines (diffusers and friends) draw the initial latents and every
// ancestral-sampler step's noise with `torch.randn(shape, generator=g)` on one
// `torch.Generator("cpu").manual_seed(seed)`. Matching that stream lets a render
// seeded here reproduce a reference render exactly.
//
// `torch.randn` on float32 takes one of two paths (PyTorch 2.15.0
// `aten/src/ATen/native/cpu/DistributionTemplates.h`, `normal_kernel`):
//  * numel >= 16: draw numel uniforms (`(random() & 0xFFFFFF) * 2^-24`), run
//    Box-Muller on each block of 16 in float (CephesAVX2.swift); when
//    numel % 16 != 0, draw 16 fresh uniforms for the last 16 positions and run
//    Box-Muller on them again. One 32-bit output per uniform.
//  * numel < 16: per element, `normal_distribution<double>`: Box-Muller in
//    double from two 53-bit uniforms (`random64()`), with libm log1p/sin/cos.
//    One of each pair is cached in the generator and survives across calls
//    (the float path neither reads nor clears it); only reseeding clears it.
// Both are reproduced; the float path matches torch's AVX2 build (the capability
// torch picks on AVX2 CPUs without AVX-512), the double path matches glibc's libm.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A random stream identical to `torch.Generator("cpu").manual_seed(seed)`.
///
/// `fillNormal` and `normal(count:)` equal `torch.randn(shape, generator: g,
/// dtype: torch.float32)` flattened, for any shape with that many elements, and
/// successive calls continue the stream exactly as successive `torch.randn` calls
/// on the same generator do. The value is plain state: copy it to fork the
/// stream, encode it to checkpoint it.
public struct TorchGenerator: Sendable, Equatable, Codable {
    /// The seed given to `init(seed:)` (torch's `initial_seed()`); only its low
    /// 32 bits affect the stream.
    public let initialSeed: UInt64
    var engine: MersenneTwister
    /// The second sample of the last double Box-Muller pair, not yet used
    /// (torch's `next_double_normal_sample_`). Only the numel < 16 path sets it.
    var cachedDoubleNormal: Double?

    /// Seeds like `torch.Generator("cpu").manual_seed(seed)`.
    ///
    /// Every `UInt64` is accepted; torch maps a negative Python seed `s` to
    /// `s + 2^64`. The engine uses the low 32 bits only, so seeds equal modulo
    /// 2^32 give the same stream.
    public init(seed: UInt64) {
        initialSeed = seed
        engine = MersenneTwister(seed: seed)
        cachedDoubleNormal = nil
    }

    init(initialSeed: UInt64, engine: MersenneTwister, cachedDoubleNormal: Double?) {
        self.initialSeed = initialSeed
        self.engine = engine
        self.cachedDoubleNormal = cachedDoubleNormal
    }

    /// The next raw 32-bit output (torch's `CPUGeneratorImpl::random()`).
    public mutating func nextUInt32() -> UInt32 {
        engine.next()
    }

    /// Fills `buffer` like `torch.randn(n, generator: g, dtype: torch.float32)`,
    /// with `n = buffer.count`, advancing the generator as torch does.
    ///
    /// Any `n` works: `n >= 16` takes torch's vectorised float path, `1...15`
    /// its scalar double path (which may leave one cached sample in the
    /// generator), and `0` draws nothing.
    public mutating func fillNormal(_ buffer: UnsafeMutableBufferPointer<Float>) {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return }
        if buffer.count >= 16 {
            fillNormalBlocks(base, count: buffer.count)
        } else {
            for i in buffer.indices {
                buffer[i] = Float(nextDoubleNormal())
            }
        }
    }

    /// Returns `count` samples equal to `torch.randn(count, generator: g).tolist()`.
    /// A negative `count` is treated as 0.
    public mutating func normal(count: Int) -> [Float] {
        let n = max(count, 0)
        return [Float](unsafeUninitializedCapacity: n) { buffer, initialized in
            fillNormal(buffer)
            initialized = n
        }
    }

    /// The float path: uniforms, then Box-Muller per block of 16 (count >= 16).
    private mutating func fillNormalBlocks(_ data: UnsafeMutablePointer<Float>, count: Int) {
        engine.fillUniform(data, count: count)
        var start = 0
        while start + 16 <= count {
            CephesAVX2.transform16(data + start)
            start += 16
        }
        if count % 16 != 0 {
            // torch redraws the last 16 positions from fresh uniforms; the
            // uniforms drawn for the incomplete block are discarded.
            let tail = data + (count - 16)
            engine.fillUniform(tail, count: 16)
            CephesAVX2.transform16(tail)
        }
    }

    /// torch's `normal_distribution<double>(0, 1)`: cached sample first, else a
    /// fresh Box-Muller pair from two 53-bit uniforms.
    mutating func nextDoubleNormal() -> Double {
        // torch returns `value * std + mean` (a fused multiply-add) = value + 0.
        if let cached = cachedDoubleNormal {
            cachedDoubleNormal = nil
            return cached + 0
        }
        let u1 = uniformDouble()
        let u2 = uniformDouble()
        let radius = (-2.0 * log1p(-u2)).squareRoot()
        let theta = 2.0 * Double.pi * u1
        cachedDoubleNormal = radius * sin(theta)
        return radius * cos(theta) + 0
    }

    /// torch's `uniform_real_distribution<double>(0, 1)`: 53 bits of `random64()`.
    private mutating func uniformDouble() -> Double {
        Double(engine.next64() & (1 << 53 - 1)) * 0x1p-53
    }
}
