// JPEG uploads through libjpeg-turbo: the header (size, colour space, APP1 EXIF) is read first,
// so the pixel limit and the CMYK refusal come before any pixel is decoded.
import CJPEG

/// Decodes JPEG files to 8-bit RGB through libjpeg (`Sources/CJPEG/shim.h` holds its setjmps).
enum JPEGDecoder {
    /// Decodes `bytes`, checking the header against `limits` first; returns the stored (not yet
    /// upright) pixels and the EXIF orientation.
    static func decode(_ bytes: [UInt8], limits: ImageDecodeLimits) throws(ImageDecodeError) -> (
        RGBImage, ExifOrientation
    ) {
        var failure: ImageDecodeError?
        let decoded = bytes.withUnsafeBufferPointer { data -> (RGBImage, ExifOrientation)? in
            guard let reader = mosaic_jpeg_open(data.baseAddress, UInt(data.count)) else {
                failure = .corrupt(format: .jpeg, reason: "libjpeg could not start (out of memory)")
                return nil
            }
            defer { mosaic_jpeg_close(reader) }
            func message() -> String {
                withUnsafeBytes(of: &reader.pointee.message) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
            }
            guard mosaic_jpeg_read_header(reader) == 0 else {
                failure = .corrupt(format: .jpeg, reason: message())
                return nil
            }
            let info = reader.pointee.info
            let (width, height) = (Int(info.image_width), Int(info.image_height))
            do throws(ImageDecodeError) {
                try limits.check(width: width, height: height, format: .jpeg)
            } catch {
                failure = error
                return nil
            }
            if info.jpeg_color_space == JCS_CMYK || info.jpeg_color_space == JCS_YCCK {
                failure = .cmyk
                return nil
            }
            let orientation = exifOrientation(info.marker_list)
            let count = width * height * 3
            var status: Int32 = -1
            let pixels = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
                status = mosaic_jpeg_read_rgb(reader, buffer.baseAddress)
                initialized = status == 0 ? count : 0
            }
            guard status == 0 else {
                failure = .corrupt(format: .jpeg, reason: message())
                return nil
            }
            return (RGBImage(uncheckedWidth: width, height: height, pixels: pixels), orientation)
        }
        if let failure { throw failure }
        guard let decoded else { throw .corrupt(format: .jpeg, reason: "no image") }
        return decoded
    }

    /// The orientation in the first APP1 marker that holds EXIF.
    static func exifOrientation(_ markers: jpeg_saved_marker_ptr?) -> ExifOrientation {
        var marker = markers
        while let current = marker {
            let payload = UnsafeBufferPointer(start: current.pointee.data, count: Int(current.pointee.data_length))
            if current.pointee.marker == 0xE1, payload.starts(with: Array("Exif".utf8) + [0, 0]) {
                return ExifOrientation.read(exif: payload)
            }
            marker = current.pointee.next
        }
        return .up
    }
}
