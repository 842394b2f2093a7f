import Synchronization

/// Widening of fp16 and bf16 weights to fp32 on every use, fast enough to run per forward pass.
///
/// Written as per-element bit arithmetic that the compiler vectorises for the baseline x86-64
/// target (a multiply by 2^112 rebiases the exponent and turns half subnormals into the right
/// fp32 normals; a select restores infinities and NaNs), and bit-identical to `HalfConversion`.
/// `scratch(count:)` lends reusable buffers, so widening a 118 MB weight does not fault in fresh
/// pages each time.
public enum WeightWidening {
    /// Widens `count` little-endian IEEE half values at `source` (any alignment).
    @inlinable
    public static func float16(_ source: UnsafeRawPointer, _ destination: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count {
            let h = UInt32(UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
            let magnitude = h & 0x7FFF
            let scaled = (Float(bitPattern: magnitude << 13) * 0x1p112).bitPattern
            let special: UInt32 = magnitude >= 0x7C00 ? 0x7F80_0000 : 0
            destination[i] = Float(bitPattern: scaled | special | ((h & 0x8000) << 16))
        }
    }

    /// Widens `count` little-endian bfloat16 values at `source` (any alignment).
    @inlinable
    public static func bfloat16(_ source: UnsafeRawPointer, _ destination: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count {
            let h = UInt32(UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
            destination[i] = Float(bitPattern: h << 16)
        }
    }

    /// A buffer of at least `count` floats, reused across calls; give it back with `recycle`.
    public static func scratch(count: Int) -> ScratchBuffer {
        let reused = pool.withLock { buffers -> ScratchBuffer? in
            guard let index = buffers.firstIndex(where: { $0.capacity >= count }) else { return nil }
            return buffers.remove(at: index)
        }
        return reused ?? ScratchBuffer(capacity: max(count, 1))
    }

    /// Returns a buffer from `scratch(count:)` for reuse (the pool keeps at most eight).
    public static func recycle(_ buffer: ScratchBuffer) {
        pool.withLock { buffers in
            buffers.append(buffer)
            if buffers.count > 8 {
                buffers.sort { $0.capacity > $1.capacity }
                buffers.removeLast()
            }
        }
    }

    private static let pool = Mutex<[ScratchBuffer]>([])
}

/// A heap buffer of floats lent out by `WeightWidening.scratch(count:)`.
public final class ScratchBuffer: @unchecked Sendable {
    /// The number of floats it holds.
    public let capacity: Int
    /// Its memory.
    public let pointer: UnsafeMutablePointer<Float>

    init(capacity: Int) {
        self.capacity = capacity
        pointer = .allocate(capacity: capacity)
    }

    deinit { pointer.deallocate() }
}
