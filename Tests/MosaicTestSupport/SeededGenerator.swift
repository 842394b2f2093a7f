import Foundation

/// SplitMix64: a small, fast generator whose whole state is one seed, so a seed replays the same
/// sequence on any machine and toolchain (the standard library's generator is not seedable).
public struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    /// A generator that yields the same sequence for the same seed.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniformly drawn element of `choices` (which must not be empty).
    public mutating func pick<T>(_ choices: [T]) -> T { choices[Int.random(in: 0..<choices.count, using: &self)] }

    /// True with probability `p`.
    public mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }

    /// `count` random bytes.
    public mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) }
    }

    /// Uniform in [-1, 1), from the top 24 bits (the kernel tests' inputs).
    public mutating func float() -> Float { Float(next() >> 40) / Float(1 << 23) - 1 }

    /// `n` draws of `float()`.
    public mutating func floats(_ n: Int) -> [Float] { (0..<n).map { _ in float() } }

    /// Uniform in [0, 1), from the top 53 bits.
    public mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// `n` standard normal draws, by Box-Muller on two `unit()`s each.
    public mutating func normals(_ n: Int) -> [Float] {
        (0..<n).map { _ in
            let u1 = Swift.max(unit(), 1e-300)
            let u2 = unit()
            return Float((-2 * log(u1)).squareRoot() * cos(2 * .pi * u2))
        }
    }
}
