// MT19937, as PyTorch's CPU generator runs it (ATen's `at::mt19937`: PyTorch 2.15.0
// `aten/src/ATen/core/MT19937RNGEngine.h` and `aten/src/ATen/CPUGeneratorImpl.cpp`).
//
// Standard Matsumoto–Nishimura MT19937 with the 2002 initialisation. torch seeds it
// with only the low 32 bits of the 64-bit seed and stores its position as a
// countdown (`left_`, `next_`); here the position is the usual `index` into the
// 624 words, with `index == 624` meaning "twist before the next output".
// torch's counters map to it as `index == 625 - left_` (at seeding torch has
// `left_ == 1`, i.e. a twist pending, just like `index == 624` here).

/// The 32-bit Mersenne Twister engine behind ``TorchGenerator``.
struct MersenneTwister: Sendable, Equatable {
    /// Number of 32-bit words of state.
    static let stateSize = 624
    private static let shift = 397
    private static let matrixA: UInt32 = 0x9908_B0DF
    private static let upperMask: UInt32 = 0x8000_0000
    private static let lowerMask: UInt32 = 0x7FFF_FFFF

    /// The 624 state words.
    private(set) var words: [UInt32]
    /// Position of the next word to temper; `stateSize` means the words must be twisted first.
    private(set) var index: Int

    /// Seeds from the low 32 bits of `seed`, as `at::mt19937(seed)` does.
    init(seed: UInt64) {
        var state = [UInt32](repeating: 0, count: Self.stateSize)
        state[0] = UInt32(truncatingIfNeeded: seed)
        for j in 1..<Self.stateSize {
            let previous = state[j - 1]
            state[j] = 1_812_433_253 &* (previous ^ (previous >> 30)) &+ UInt32(j)
        }
        words = state
        index = Self.stateSize
    }

    /// Restores a saved state; `nil` unless there are 624 words and `index` is in 0...624.
    init?(words: [UInt32], index: Int) {
        guard words.count == Self.stateSize, (0...Self.stateSize).contains(index) else { return nil }
        self.words = words
        self.index = index
    }

    /// The next tempered 32-bit output (torch's `CPUGeneratorImpl::random()`).
    mutating func next() -> UInt32 {
        var position = index
        let output = words.withUnsafeMutableBufferPointer { state -> UInt32 in
            if position == Self.stateSize {
                Self.twist(state)
                position = 0
            }
            defer { position += 1 }
            return Self.temper(state[position])
        }
        index = position
        return output
    }

    /// Two outputs joined high word first (torch's `CPUGeneratorImpl::random64()`).
    mutating func next64() -> UInt64 {
        let high = UInt64(next())
        return high << 32 | UInt64(next())
    }

    /// Writes `count` uniforms in [0, 1) to `output`, each `(next() & 0xFFFFFF) * 2^-24`
    /// (torch's `uniform_real_distribution<float>(0, 1)`), consuming one output apiece.
    mutating func fillUniform(_ output: UnsafeMutablePointer<Float>, count: Int) {
        var position = index
        words.withUnsafeMutableBufferPointer { state in
            guard let base = state.baseAddress else { return }
            var written = 0
            while written < count {
                if position == Self.stateSize {
                    Self.twist(state)
                    position = 0
                }
                let run = min(Self.stateSize - position, count - written)
                // A flat loop over pointers (no checked index arithmetic): it vectorises.
                let source = base + position
                let destination = output + written
                for k in 0..<run {
                    let bits = Self.temper(source[k]) & 0x00FF_FFFF
                    destination[k] = Float(Int32(bitPattern: bits)) * 0x1p-24
                }
                position += run
                written += run
            }
        }
        index = position
    }

    @inline(__always)
    private static func temper(_ word: UInt32) -> UInt32 {
        var y = word
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    @inline(__always)
    private static func mixed(_ upper: UInt32, _ lower: UInt32) -> UInt32 {
        let joined = (upper & upperMask) | (lower & lowerMask)
        return (joined >> 1) ^ (lower & 1 == 0 ? 0 : matrixA)
    }

    /// Regenerates all 624 words in place (the standard recurrence, split into
    /// its three ranges so that no index wraps inside a loop).
    private static func twist(_ state: UnsafeMutableBufferPointer<UInt32>) {
        let n = stateSize
        let m = shift
        for i in 0..<(n - m) {
            state[i] = state[i + m] ^ mixed(state[i], state[i + 1])
        }
        for i in (n - m)..<(n - 1) {
            state[i] = state[i + m - n] ^ mixed(state[i], state[i + 1])
        }
        state[n - 1] = state[m - 1] ^ mixed(state[n - 1], state[0])
    }
}
