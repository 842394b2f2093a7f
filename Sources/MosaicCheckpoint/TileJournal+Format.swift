// The journal's byte format (see TileJournal.swift) and its reader. Reading stops at the first
// record that is cut short or fails its CRC: after a power loss everything behind a torn record
// is suspect, and in a process crash no record is torn.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension TileJournal {
    static let fileMagic = Array("MOSAICTJ".utf8)
    static let formatVersion: UInt32 = 2
    static let recordMagic: UInt32 = 0x454C_4954  // "TILE" in little-endian byte order
    static let recordHeaderSize = 16

    /// Every valid record of the journal of `step` at `path`, by tile index, whose float count
    /// equals `expectedCounts[tile]` (other records are skipped; the first of duplicates wins).
    ///
    /// Returns an empty map when the file is missing, unreadable, or belongs to another step or
    /// other parameters.
    public static func read(path: String, step: Int, parametersHash: String, expectedCounts: [Int: Int]) -> [Int:
        [Float]]
    {
        guard let bytes = try? BinaryFile.contents(of: path) else { return [:] }
        var tiles: [Int: [Float]] = [:]
        _ = scan(bytes, header: fileHeader(step: step, parametersHash: parametersHash)) { tile, payload in
            guard tiles[tile] == nil, expectedCounts[tile] == payload.count / 4 else { return }
            tiles[tile] = [Float](unsafeUninitializedCapacity: payload.count / 4) { buffer, initialized in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: payload)
                #if _endian(big)
                    for i in buffer.indices {
                        buffer[i] = Float(bitPattern: UInt32(littleEndian: buffer[i].bitPattern))
                    }
                #endif
                initialized = payload.count / 4
            }
        }
        return tiles
    }

    /// The journal header for `step` and `parametersHash`.
    static func fileHeader(step: Int, parametersHash: String) -> [UInt8] {
        var bytes = fileMagic
        append(formatVersion, to: &bytes)
        append(UInt64(truncatingIfNeeded: step), to: &bytes)
        let hash = Array(parametersHash.utf8)
        append(UInt32(truncatingIfNeeded: hash.count), to: &bytes)
        bytes += hash
        append(CRC32.checksum(bytes), to: &bytes)
        return bytes
    }

    /// A whole record (header and a copy of the payload); big-endian hosts append this form.
    static func record(tile: UInt32, count: UInt32, binding: UInt32, values: UnsafeBufferPointer<Float>) -> [UInt8] {
        #if _endian(big)
            let swapped = values.map { Float(bitPattern: $0.bitPattern.littleEndian) }
            return swapped.withUnsafeBufferPointer { little in
                let payload = UnsafeRawBufferPointer(little)
                return recordHeader(tile: tile, count: count, binding: binding, payload: payload) + Array(payload)
            }
        #else
            let payload = UnsafeRawBufferPointer(values)
            return recordHeader(tile: tile, count: count, binding: binding, payload: payload) + Array(payload)
        #endif
    }

    /// The CRC of a file header (its last four bytes), which seeds every record's CRC.
    static func binding(ofHeader header: [UInt8]) -> UInt32 {
        header.suffix(4).reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// The 16 header bytes of a record whose little-endian payload is `payload`; the CRC covers
    /// the file header's CRC (`binding`), the tile index, the count and the payload, read where
    /// they lie (no copy).
    static func recordHeader(tile: UInt32, count: UInt32, binding: UInt32, payload: UnsafeRawBufferPointer) -> [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(recordHeaderSize)
        append(binding, to: &bytes)
        append(tile, to: &bytes)
        append(count, to: &bytes)
        var crc = CRC32()
        crc.update(bytes[0..<12])
        bytes.replaceSubrange(0..<4, with: withUnsafeBytes(of: recordMagic.littleEndian) { Array($0) })
        crc.update(payload)
        append(crc.value, to: &bytes)
        return bytes
    }

    /// Walks `bytes`: checks the header, then each record, calling `visit` with the tile index
    /// and raw payload of every intact record. Returns the length of the valid prefix (0 when
    /// the header does not match).
    @discardableResult
    static func scan(
        _ bytes: [UInt8], header: [UInt8], visit: (Int, UnsafeRawBufferPointer) -> Void = { _, _ in }
    ) -> (validLength: Int, records: Int) {
        guard bytes.count >= header.count, bytes[0..<header.count].elementsEqual(header) else { return (0, 0) }
        let binding = withUnsafeBytes(of: Self.binding(ofHeader: header).littleEndian) { Array($0) }
        return bytes.withUnsafeBytes { raw in
            var offset = header.count
            var records = 0
            while raw.count - offset >= recordHeaderSize {
                let magic = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
                let tile = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self))
                let count = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self)))
                let stored = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
                let payloadStart = offset + recordHeaderSize
                guard magic == recordMagic, count <= (raw.count - payloadStart) / 4 else { break }
                let payload = UnsafeRawBufferPointer(rebasing: raw[payloadStart..<(payloadStart + count * 4)])
                var crc = CRC32()
                crc.update(binding)
                crc.update(UnsafeRawBufferPointer(rebasing: raw[(offset + 4)..<(offset + 12)]))
                crc.update(payload)
                guard crc.value == stored else { break }
                visit(Int(tile), payload)
                records += 1
                offset = payloadStart + count * 4
            }
            return (offset, records)
        }
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
}
