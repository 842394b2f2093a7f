// PNG uploads through libpng. The chunk walk here reads the size (IHDR) and the EXIF block
// (eXIf) before libpng sees the file, so the pixel limit holds before any memory is taken.
import CPNG

/// Decodes PNG files to 8-bit RGBA through libpng (`Sources/CPNG/shim.h` holds its setjmp).
enum PNGDecoder {
    /// What the chunks before the pixels say.
    struct Header {
        var width: Int
        var height: Int
        /// The eXIf chunk's payload, if any.
        var exif: ArraySlice<UInt8>?
    }

    /// Walks the chunks: IHDR's size and the eXIf block. Chunk CRCs are libpng's to check.
    static func header(_ bytes: [UInt8]) throws(ImageDecodeError) -> Header {
        func u32(_ at: Int) -> Int {
            bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) }
        }
        guard bytes.count >= 33, bytes[12..<16].elementsEqual("IHDR".utf8), u32(8) == 13 else {
            throw .corrupt(format: .png, reason: "no IHDR chunk after the signature")
        }
        var header = Header(width: u32(16), height: u32(20), exif: nil)
        var offset = 33
        while offset + 8 <= bytes.count {
            let length = u32(offset)
            let type = bytes[offset + 4..<offset + 8]
            let end = offset + 12 + length
            guard length < 1 << 31, end <= bytes.count else { break }  // libpng reports the truncation
            if type.elementsEqual("eXIf".utf8) { header.exif = bytes[offset + 8..<offset + 8 + length] }
            if type.elementsEqual("IEND".utf8) { break }
            offset = end
        }
        return header
    }

    /// The pixels of a PNG whose header has passed the limits, as 8-bit RGBA.
    static func decodeRGBA(_ bytes: [UInt8], width: Int, height: Int) throws(ImageDecodeError) -> [UInt8] {
        let count = width * height * 4
        var message = ""
        var status: Int32 = -1
        let rgba = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            bytes.withUnsafeBufferPointer { data in
                var source = mosaic_png_source()
                source.data = data.baseAddress
                source.size = data.count
                status = mosaic_png_decode_rgba(&source, UInt32(width), UInt32(height), buffer.baseAddress)
                message = withUnsafeBytes(of: &source.message) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
            }
            initialized = status == 0 ? count : 0
        }
        guard status == 0 else { throw .corrupt(format: .png, reason: message) }
        return rgba
    }
}
