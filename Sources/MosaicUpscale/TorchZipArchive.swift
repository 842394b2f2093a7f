// The ZIP container of torch.save (PyTorch 1.6 and later): stored (uncompressed) entries named
// `<archive>/data.pkl`, `<archive>/data/<key>`, ... with the data aligned in the file. Only the
// central directory is trusted for names, sizes and CRCs; every offset and length is checked
// against the file, so a truncated or tampered archive is an error, never an out-of-range read,
// and a reader checks an entry's CRC before using its bytes (a damaged download is an error,
// not a damaged image).

import MosaicCheckpoint

/// The central directory of a ZIP archive held in memory.
struct TorchZipArchive: Sendable {
    /// Whether `entry`'s bytes in `file` have the CRC-32 the directory records.
    static func crcMatches(_ entry: Entry, in file: UnsafeRawBufferPointer) -> Bool {
        var crc = CRC32()
        crc.update(UnsafeRawBufferPointer(rebasing: file[entry.data]))
        return crc.value == entry.crc
    }

    /// One entry of the archive: where its bytes lie in the file.
    struct Entry: Sendable, Equatable {
        /// The entry's name (a path inside the archive).
        var name: String
        /// The ZIP compression method (0: stored).
        var method: Int
        /// The byte range of the entry's data in the file.
        var data: Range<Int>
        /// The CRC-32 of the entry's (uncompressed) data, from the central directory.
        var crc: UInt32
    }

    /// The entries by name.
    let entries: [String: Entry]

    private static let endOfDirectory: UInt32 = 0x0605_4b50
    private static let zip64Locator: UInt32 = 0x0706_4b50
    private static let zip64EndOfDirectory: UInt32 = 0x0606_4b50
    private static let centralHeader: UInt32 = 0x0201_4b50
    private static let localHeader: UInt32 = 0x0403_4b50

    /// Reads the central directory of `file`; `path` is for messages.
    init(_ file: UnsafeRawBufferPointer, path: String) throws(UpscalerError) {
        let reader = ByteReader(file, path: path)
        guard file.count >= 22 else { throw .invalidArchive(path: path, reason: "\(file.count) bytes is too short") }
        guard try reader.u32(0) == Self.localHeader else {
            throw .invalidArchive(path: path, reason: "no ZIP local header at the start (wrong magic)")
        }
        // The end-of-directory record ends the file, after a comment of at most 65,535 bytes.
        var end = file.count - 22
        let lowest = max(0, file.count - 22 - 65_535)
        while end >= lowest, try reader.u32(end) != Self.endOfDirectory { end -= 1 }
        guard end >= lowest else { throw .invalidArchive(path: path, reason: "no end-of-central-directory record") }
        var count = Int(try reader.u16(end + 10))
        var directorySize = Int(try reader.u32(end + 12))
        var directoryOffset = Int(try reader.u32(end + 16))
        if count == 0xffff || directorySize == 0xffff_ffff || directoryOffset == 0xffff_ffff {
            guard end >= 20, try reader.u32(end - 20) == Self.zip64Locator else {
                throw .invalidArchive(path: path, reason: "ZIP64 fields without a ZIP64 locator")
            }
            let record = try reader.int64(end - 20 + 8)
            guard try reader.u32(record) == Self.zip64EndOfDirectory else {
                throw .invalidArchive(path: path, reason: "no ZIP64 end-of-central-directory record at \(record)")
            }
            count = try reader.int64(record + 32)
            directorySize = try reader.int64(record + 40)
            directoryOffset = try reader.int64(record + 48)
        }
        guard directoryOffset <= file.count, directorySize <= file.count - directoryOffset else {
            throw .invalidArchive(path: path, reason: "central directory past the end of the file (truncated?)")
        }
        var entries: [String: Entry] = [:]
        var offset = directoryOffset
        for _ in 0..<count {
            guard try reader.u32(offset) == Self.centralHeader else {
                throw .invalidArchive(path: path, reason: "bad central directory entry at \(offset)")
            }
            let method = Int(try reader.u16(offset + 10))
            let crc = try reader.u32(offset + 16)
            var compressed = Int(try reader.u32(offset + 20))
            var size = Int(try reader.u32(offset + 24))
            let nameLength = Int(try reader.u16(offset + 28))
            let extraLength = Int(try reader.u16(offset + 30))
            let commentLength = Int(try reader.u16(offset + 32))
            var local = Int(try reader.u32(offset + 42))
            let name = try reader.string(offset + 46, count: nameLength)
            // ZIP64 extra field: the 64-bit values of the 32-bit fields that are all ones, in order.
            var extra = offset + 46 + nameLength
            let extraEnd = extra + extraLength
            while extra + 4 <= extraEnd {
                let id = try reader.u16(extra)
                let length = Int(try reader.u16(extra + 2))
                if id == 1 {
                    var field = extra + 4
                    if size == 0xffff_ffff {
                        size = try reader.int64(field)
                        field += 8
                    }
                    if compressed == 0xffff_ffff {
                        compressed = try reader.int64(field)
                        field += 8
                    }
                    if local == 0xffff_ffff { local = try reader.int64(field) }
                }
                extra += 4 + length
            }
            guard try reader.u32(local) == Self.localHeader else {
                throw .invalidArchive(path: path, reason: "entry '\(name)': no local header at \(local)")
            }
            let start = local + 30 + Int(try reader.u16(local + 26)) + Int(try reader.u16(local + 28))
            guard method != 0 || compressed == size else {
                throw .invalidArchive(
                    path: path, reason: "entry '\(name)': stored sizes \(compressed) and \(size) differ")
            }
            guard start <= file.count, compressed <= file.count - start else {
                throw .invalidArchive(
                    path: path, reason: "entry '\(name)' ends past the end of the file (truncated?)")
            }
            entries[name] = Entry(name: name, method: method, data: start..<(start + compressed), crc: crc)
            offset += 46 + nameLength + extraLength + commentLength
        }
        self.entries = entries
    }
}
