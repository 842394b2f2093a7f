// Attaching metadata chunks with libwebpmux. Muxing turns a simple-format file (RIFF + VP8/VP8L)
// into the extended format (VP8X header + XMP chunk), which every WebP decoder accepts.
import CWebP

/// libwebpmux helpers shared by the encoder.
enum WebPMuxing {
    /// Returns `bitstream` re-assembled with `xmp` (UTF-8) as its `XMP ` chunk.
    static func attach(xmp: String, to bitstream: [UInt8]) throws(WebPError) -> [UInt8] {
        let metadata = Array(xmp.utf8)
        var failure: WebPError?
        let result: [UInt8] = bitstream.withUnsafeBufferPointer { image in
            // copy_data = 0: the mux borrows `bitstream`, which outlives it in this scope.
            var imageData = WebPData(bytes: image.baseAddress, size: image.count)
            guard let mux = mosaic_webp_mux_create(&imageData, 0) else {
                failure = .muxFailed(operation: "WebPMuxCreate", code: Int(WEBP_MUX_BAD_DATA.rawValue))
                return []
            }
            defer { WebPMuxDelete(mux) }
            let status = metadata.withUnsafeBufferPointer { chunk in
                var chunkData = WebPData(bytes: chunk.baseAddress, size: chunk.count)
                return WebPMuxSetChunk(mux, "XMP ", &chunkData, 1)
            }
            guard status == WEBP_MUX_OK else {
                failure = .muxFailed(operation: "WebPMuxSetChunk(XMP)", code: Int(status.rawValue))
                return []
            }
            var assembled = WebPData()
            let assembleStatus = WebPMuxAssemble(mux, &assembled)
            defer { WebPDataClear(&assembled) }
            guard assembleStatus == WEBP_MUX_OK else {
                failure = .muxFailed(operation: "WebPMuxAssemble", code: Int(assembleStatus.rawValue))
                return []
            }
            return Array(UnsafeBufferPointer(start: assembled.bytes, count: assembled.size))
        }
        if let failure { throw failure }
        return result
    }
}
