// CRC-32 as zlib, PNG, gzip and Python's `zlib.crc32` compute it (IEEE 802.3: reflected
// polynomial 0xEDB88320, initial value and final XOR 0xFFFFFFFF), so a checkpoint's checksum can
// be verified with a one-liner outside Mosaic.
//
// Checkpoints are tens of MB and tile journals as much again, every step, so speed matters: the
// bulk goes through carry-less multiplication (PCLMULQDQ, the C target CCRC32: tens of GB/s);
// short inputs, tails and CPUs without the instruction use slicing-by-8 (Intel's 2006 table
// method: eight bytes per iteration from eight derived tables, about 1-2 GB/s).

import CCRC32

/// A running CRC-32 (the IEEE/zlib polynomial) over a sequence of bytes.
public struct CRC32: Sendable, Equatable {
    /// The checksum of the bytes fed so far (zlib's `crc32` of their concatenation).
    public var value: UInt32 { ~state }
    private var state: UInt32 = 0xFFFF_FFFF

    /// Starts a checksum of no bytes (value 0).
    public init() {}

    /// Feeds `bytes`.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard var base = bytes.baseAddress, !bytes.isEmpty else { return }
        var count = bytes.count
        if count >= Self.foldMinimum, Self.foldAvailable {
            let bulk = count & ~15
            state = mosaic_crc32_fold(state, base.assumingMemoryBound(to: UInt8.self), bulk)
            base += bulk
            count -= bulk
        }
        updateWithTables(UnsafeRawBufferPointer(start: base, count: count))
    }

    /// Feeds `source` and copies it to `destination` (at least `source.count` bytes, not
    /// overlapping it) in the same pass: with the folding kernel, about the cost of the checksum
    /// alone.
    public mutating func update(copying source: UnsafeRawBufferPointer, to destination: UnsafeMutableRawPointer) {
        guard var base = source.baseAddress, !source.isEmpty else { return }
        var target = destination
        var count = source.count
        if count >= Self.foldMinimum, Self.foldAvailable {
            let bulk = count & ~15
            state = mosaic_crc32_fold_copy(
                state, target.assumingMemoryBound(to: UInt8.self), base.assumingMemoryBound(to: UInt8.self), bulk)
            base += bulk
            target += bulk
            count -= bulk
        }
        target.copyMemory(from: base, byteCount: count)
        updateWithTables(UnsafeRawBufferPointer(start: base, count: count))
    }

    /// Feeds `bytes` through the slicing-by-8 tables only (the fallback, and the reference the
    /// folding kernel is tested against).
    mutating func updateWithTables(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        var crc = state
        Self.tables.withUnsafeBufferPointer { table in
            var p = base
            var remaining = bytes.count
            while remaining >= 8 {
                // Two unaligned little-endian loads; the first absorbs the running CRC.
                let low = UInt32(littleEndian: p.loadUnaligned(as: UInt32.self)) ^ crc
                let high = UInt32(littleEndian: (p + 4).loadUnaligned(as: UInt32.self))
                crc =
                    table[7 * 256 + Int(low & 0xFF)]
                    ^ table[6 * 256 + Int((low >> 8) & 0xFF)]
                    ^ table[5 * 256 + Int((low >> 16) & 0xFF)]
                    ^ table[4 * 256 + Int(low >> 24)]
                    ^ table[3 * 256 + Int(high & 0xFF)]
                    ^ table[2 * 256 + Int((high >> 8) & 0xFF)]
                    ^ table[1 * 256 + Int((high >> 16) & 0xFF)]
                    ^ table[Int(high >> 24)]
                p += 8
                remaining -= 8
            }
            while remaining > 0 {
                crc = table[Int((crc ^ UInt32(p.load(as: UInt8.self))) & 0xFF)] ^ (crc >> 8)
                p += 1
                remaining -= 1
            }
        }
        state = crc
    }

    /// Feeds the bytes of an array.
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Feeds the bytes of an array slice.
    public mutating func update(_ bytes: ArraySlice<UInt8>) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// The CRC-32 of `bytes`.
    public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc = CRC32()
        crc.update(bytes)
        return crc.value
    }

    /// The CRC-32 of `bytes`.
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }

    /// The CRC-32 of `bytes`.
    public static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }

    /// `value` as 8 lower-case hex digits, the form stored in checkpoint metadata.
    public static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }

    /// The shortest input worth folding (the kernel's minimum is 64 bytes).
    static let foldMinimum = 64
    /// Whether the CPU can fold (PCLMULQDQ and SSE4.1).
    static let foldAvailable = mosaic_crc32_fold_available() != 0

    /// Eight 256-entry tables, flattened: table 0 is the classic byte table; table k maps a byte
    /// to its CRC contribution when followed by k zero bytes.
    private static let tables: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 8 * 256)
        for n in 0..<256 {
            var c = UInt32(n)
            for _ in 0..<8 {
                c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1
            }
            table[n] = c
        }
        for k in 1..<8 {
            for n in 0..<256 {
                let previous = table[(k - 1) * 256 + n]
                table[k * 256 + n] = table[Int(previous & 0xFF)] ^ (previous >> 8)
            }
        }
        return table
    }()
}
