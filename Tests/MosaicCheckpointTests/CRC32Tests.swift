import MosaicTestSupport
import Testing

@testable import MosaicCheckpoint

@Suite struct CRC32Tests {
    /// Values from Python's `zlib.crc32`.
    @Test(arguments: [
        ("", UInt32(0x0000_0000)), ("a", 0xe8b7_be43), ("abc", 0x3524_41c2), ("123456789", 0xcbf4_3926),
        ("The quick brown fox jumps over the lazy dog", 0x414f_a339),
    ])
    func knownVectors(text: String, expected: UInt32) {
        #expect(CRC32.checksum(Array(text.utf8)) == expected)
    }

    @Test func patternAgreesWithZlib() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 * 31 + 7) }
        #expect(CRC32.checksum(bytes) == 0x8902_161e)
        #expect(CRC32.hex(0x0000_00ab) == "000000ab")
        #expect(CRC32.hex(0x8902_161e) == "8902161e")
    }

    /// The slicing-by-8 kernel against the bit-at-a-time definition, on every length up to 300
    /// and every start offset modulo 8 (unaligned loads).
    @Test func slicingBy8MatchesBitwiseReference() {
        var rng = SeededGenerator(seed: 1)
        let data = rng.bytes(400)
        for offset in 0..<8 {
            for length in 0...300 {
                let slice = data[offset..<(offset + length)]
                #expect(Self.tables(slice) == Self.reference(slice), "offset \(offset) length \(length)")
            }
        }
    }

    /// The carry-less-multiplication kernel (CCRC32) against the table code, on random data of
    /// every length from 0 to 700 bytes at every offset modulo 16, and on a few large buffers.
    @Test func foldingMatchesTables() throws {
        try #require(CRC32.foldAvailable, "this CPU lacks PCLMULQDQ; the folding kernel is not used here")
        var rng = SeededGenerator(seed: 3)
        let data = rng.bytes(1 << 20)
        for offset in 0..<16 {
            for length in 0...700 {
                let slice = data[offset..<(offset + length)]
                #expect(CRC32.checksum(slice) == Self.tables(slice), "offset \(offset) length \(length)")
            }
        }
        for length in [4096, 65_536 + 48, 1 << 20 - 13] {
            let slice = data[13..<(13 + length - 13)]
            #expect(CRC32.checksum(slice) == Self.tables(slice), "length \(length)")
        }
        #expect(CRC32.checksum(data[...]) == Self.reference(data[...]))
    }

    /// The checksum-and-copy pass gives the plain checksum and an exact copy, at every length to
    /// 700 bytes, every source offset modulo 16 and both an aligned destination (non-temporal
    /// stores) and a misaligned one, and across a chunk boundary of a running checksum.
    @Test func copyingUpdateChecksumsAndCopies() {
        var rng = SeededGenerator(seed: 4)
        let data = rng.bytes(1 << 16)
        let destination = UnsafeMutableRawPointer.allocate(byteCount: 1 << 16 + 64, alignment: 64)
        defer { destination.deallocate() }
        data.withUnsafeBytes { source in
            for offset in 0..<16 {
                for length in 0...700 {
                    for target in [0, 3] {
                        destination.initializeMemory(as: UInt8.self, repeating: 0xA5, count: length + 32)
                        let slice = UnsafeRawBufferPointer(rebasing: source[offset..<(offset + length)])
                        var crc = CRC32()
                        crc.update(copying: slice, to: destination + target)
                        #expect(
                            crc.value == Self.tables(data[offset..<(offset + length)]),
                            "offset \(offset) length \(length)")
                        let copied = UnsafeRawBufferPointer(start: destination + target, count: length)
                        #expect(copied.elementsEqual(slice), "offset \(offset) length \(length) target \(target)")
                        // Nothing is written past the copy.
                        #expect((destination + target + length).load(as: UInt8.self) == 0xA5)
                    }
                }
            }
            var crc = CRC32()
            let first = UnsafeRawBufferPointer(rebasing: source[0..<40_000])
            let second = UnsafeRawBufferPointer(rebasing: source[40_000...])
            crc.update(copying: first, to: destination)
            crc.update(copying: second, to: destination + first.count)
            #expect(crc.value == CRC32.checksum(data))
            #expect(UnsafeRawBufferPointer(start: destination, count: data.count).elementsEqual(data))
        }
    }

    @Test func incrementalUpdatesEqualOneShot() {
        var rng = SeededGenerator(seed: 2)
        let data = rng.bytes(5000)
        for _ in 0..<50 {
            var crc = CRC32()
            var start = 0
            while start < data.count {
                let end = min(data.count, start + Int(rng.next() % 97))
                crc.update(data[start..<end])
                start = end
            }
            #expect(crc.value == CRC32.checksum(data))
        }
    }

    static func tables(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc = CRC32()
        bytes.withUnsafeBytes { crc.updateWithTables($0) }
        return crc.value
    }

    static func reference(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
