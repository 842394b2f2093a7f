// One entry point for uploads: sniff the format, check the size from the header, decode, make
// the pixels opaque RGB and upright. Every failure is an `ImageDecodeError`; no input crashes.
import CWebP

/// Decodes uploaded PNG, JPEG and WebP files into upright, opaque `RGBImage`s.
public struct ImageDecoder: Sendable {
    /// The size limits, checked against the header before decoding.
    public var limits: ImageDecodeLimits

    /// Creates a decoder with `limits`.
    public init(limits: ImageDecodeLimits = .standard) {
        self.limits = limits
    }

    /// Decodes `bytes`, whatever their format among PNG, JPEG and WebP.
    public func decode(_ bytes: [UInt8]) throws(ImageDecodeError) -> DecodedImage {
        guard let format = ImageFormat.sniff(bytes) else {
            throw .unknownFormat(
                magic: bytes.prefix(8).map { byte in
                    let digits = String(byte, radix: 16)
                    return byte < 16 ? "0" + digits : digits
                }.joined())
        }
        let (stored, orientation) =
            switch format {
            case .png: try decodePNG(bytes)
            case .jpeg: try JPEGDecoder.decode(bytes, limits: limits)
            case .webp: try decodeWebP(bytes)
            }
        return DecodedImage(image: orientation.apply(to: stored), format: format, orientation: orientation)
    }

    /// A PNG file's pixels (alpha checked) and its eXIf chunk's orientation.
    func decodePNG(_ bytes: [UInt8]) throws(ImageDecodeError) -> (RGBImage, ExifOrientation) {
        let header = try PNGDecoder.header(bytes)
        try limits.check(width: header.width, height: header.height, format: .png)
        let rgba = try PNGDecoder.decodeRGBA(bytes, width: header.width, height: header.height)
        let image = try Self.opaque(rgba, width: header.width, height: header.height, format: .png)
        return (image, header.exif.map { ExifOrientation.read(exif: $0) } ?? .up)
    }

    /// A WebP file's pixels (alpha checked) and its EXIF chunk's orientation.
    func decodeWebP(_ bytes: [UInt8]) throws(ImageDecodeError) -> (RGBImage, ExifOrientation) {
        var features = WebPBitstreamFeatures()
        let status = bytes.withUnsafeBufferPointer { data in
            mosaic_webp_get_features(data.baseAddress, data.count, &features)
        }
        guard status == VP8_STATUS_OK else {
            throw .corrupt(format: .webp, reason: "libwebp rejected the header (VP8StatusCode \(status.rawValue))")
        }
        if features.has_animation != 0 {
            throw .corrupt(format: .webp, reason: "an animated WebP is not a still image; export one frame")
        }
        let (width, height) = (Int(features.width), Int(features.height))
        try limits.check(width: width, height: height, format: .webp)
        let orientation =
            (try? WebPDecoder.chunk("EXIF", in: bytes)).map {
                ExifOrientation.read(exif: $0)
            } ?? .up
        guard features.has_alpha != 0 else {
            do {
                return (try WebPDecoder.decode(bytes), orientation)
            } catch {
                throw .corrupt(format: .webp, reason: error.description)
            }
        }
        let count = width * height * 4
        var decoded = false
        let rgba = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            decoded = bytes.withUnsafeBufferPointer { data in
                WebPDecodeRGBAInto(data.baseAddress, data.count, buffer.baseAddress, count, Int32(width * 4)) != nil
            }
            initialized = decoded ? count : 0
        }
        guard decoded else {
            throw .corrupt(format: .webp, reason: "WebPDecodeRGBAInto failed (truncated or corrupt data?)")
        }
        return (try Self.opaque(rgba, width: width, height: height, format: .webp), orientation)
    }

    /// RGB from RGBA whose alpha is 255 everywhere; any other alpha refuses the image.
    static func opaque(_ rgba: [UInt8], width: Int, height: Int, format: ImageFormat) throws(ImageDecodeError)
        -> RGBImage
    {
        let count = width * height
        var translucent = 0
        let rgb = [UInt8](unsafeUninitializedCapacity: count * 3) { buffer, initialized in
            rgba.withUnsafeBufferPointer { source in
                for pixel in 0..<count {
                    buffer[pixel * 3] = source[pixel * 4]
                    buffer[pixel * 3 + 1] = source[pixel * 4 + 1]
                    buffer[pixel * 3 + 2] = source[pixel * 4 + 2]
                    if source[pixel * 4 + 3] != 255 { translucent += 1 }
                }
            }
            initialized = count * 3
        }
        guard translucent == 0 else { throw .translucent(format: format, pixels: translucent) }
        return RGBImage(uncheckedWidth: width, height: height, pixels: rgb)
    }
}
