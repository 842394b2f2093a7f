// WebP decoding for tests and the seam tool, and reading back the XMP chunk.
import CWebP

/// Decodes WebP bytes into `RGBImage`s and extracts their XMP metadata.
public enum WebPDecoder {
    /// Decodes a still WebP image (lossy or lossless) into 8-bit RGB.
    ///
    /// Alpha, if present, is dropped. Decodes directly into the image's own buffer.
    /// - Throws: `WebPError.invalidBitstream` when the bytes cannot be decoded.
    public static func decode(_ bytes: [UInt8]) throws(WebPError) -> RGBImage {
        var failure: WebPError?
        let image: RGBImage? = bytes.withUnsafeBufferPointer { data in
            var width: Int32 = 0
            var height: Int32 = 0
            guard WebPGetInfo(data.baseAddress, data.count, &width, &height) != 0 else {
                failure = .invalidBitstream(reason: "WebPGetInfo rejected the header")
                return nil
            }
            let stride = Int(width) * RGBImage.channels
            let size = stride * Int(height)
            var decoded = true
            let pixels = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
                decoded =
                    WebPDecodeRGBInto(
                        data.baseAddress, data.count, buffer.baseAddress,
                        size, Int32(stride)) != nil
                // On failure the contents are unspecified; an empty array is never exposed.
                count = decoded ? size : 0
            }
            guard decoded else {
                failure = .invalidBitstream(reason: "WebPDecodeRGBInto failed (truncated or corrupt data?)")
                return nil
            }
            return RGBImage(uncheckedWidth: Int(width), height: Int(height), pixels: pixels)
        }
        if let failure { throw failure }
        guard let image else { throw .invalidBitstream(reason: "no image") }
        return image
    }

    /// The first `XMP ` chunk as UTF-8 text, or `nil` when the file carries none.
    ///
    /// - Throws: `WebPError.invalidBitstream` when WebPDemux cannot parse the container.
    public static func xmp(in bytes: [UInt8]) throws(WebPError) -> String? {
        try chunk("XMP ", in: bytes).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The payload of the first chunk named `fourCC` (`"XMP "`, `"EXIF"`), or `nil` when the
    /// file carries none.
    ///
    /// - Throws: `WebPError.invalidBitstream` when WebPDemux cannot parse the container.
    public static func chunk(_ fourCC: String, in bytes: [UInt8]) throws(WebPError) -> [UInt8]? {
        var failure: WebPError?
        let payload: [UInt8]? = bytes.withUnsafeBufferPointer { data in
            var webpData = WebPData(bytes: data.baseAddress, size: data.count)
            guard let demux = mosaic_webp_demux(&webpData) else {
                failure = .invalidBitstream(reason: "WebPDemux could not parse the container")
                return nil
            }
            defer { WebPDemuxDelete(demux) }
            var iterator = WebPChunkIterator()
            guard WebPDemuxGetChunk(demux, fourCC, 1, &iterator) != 0 else { return nil }
            defer { WebPDemuxReleaseChunkIterator(&iterator) }
            return Array(UnsafeBufferPointer(start: iterator.chunk.bytes, count: iterator.chunk.size))
        }
        if let failure { throw failure }
        return payload
    }
}
