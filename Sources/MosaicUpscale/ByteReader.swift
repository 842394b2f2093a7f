/// Bounds-checked little-endian reads from a byte buffer.
struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    let path: String

    init(_ bytes: UnsafeRawBufferPointer, path: String) {
        self.bytes = bytes
        self.path = path
    }

    func check(_ offset: Int, _ count: Int) throws(UpscalerError) {
        guard offset >= 0, count >= 0, offset <= bytes.count, count <= bytes.count - offset else {
            throw .invalidArchive(path: path, reason: "read of \(count) bytes at \(offset) past the end (truncated?)")
        }
    }

    func u16(_ offset: Int) throws(UpscalerError) -> UInt16 {
        try check(offset, 2)
        return UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    func u32(_ offset: Int) throws(UpscalerError) -> UInt32 {
        try check(offset, 4)
        return UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    /// A 64-bit field that must fit an `Int` offset or size.
    func int64(_ offset: Int) throws(UpscalerError) -> Int {
        try check(offset, 8)
        let value = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        guard value <= UInt64(Int.max / 2) else {
            throw .invalidArchive(path: path, reason: "64-bit field \(value) at \(offset) out of range")
        }
        return Int(value)
    }

    func string(_ offset: Int, count: Int) throws(UpscalerError) -> String {
        try check(offset, count)
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)]), as: UTF8.self)
    }
}
