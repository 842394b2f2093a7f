// Why an uploaded file was refused. Each case names the format and what to do, because the
// message reaches the user who uploaded the file (the daemon answers it as a 4xx).

/// Why `ImageDecoder` refused a file.
public enum ImageDecodeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The first bytes are no PNG, JPEG or WebP signature; `magic` is their hex.
    case unknownFormat(magic: String)
    /// The header claims more pixels than the limits allow.
    case tooLarge(format: ImageFormat, width: Int, height: Int, limits: ImageDecodeLimits)
    /// The file is truncated or corrupt; `reason` is the library's or the parser's.
    case corrupt(format: ImageFormat, reason: String)
    /// Some pixels are translucent: dropping the alpha would change the picture.
    case translucent(format: ImageFormat, pixels: Int)
    /// A CMYK or YCCK JPEG: its conversion to RGB needs the file's colour profile.
    case cmyk
    /// The memory for the decoded pixels could not be had.
    case outOfMemory(width: Int, height: Int)

    /// One sentence that says what is wrong and what to do.
    public var description: String {
        switch self {
        case .unknownFormat(let magic):
            return "not a PNG, JPEG or WebP file (it starts with \(magic.isEmpty ? "nothing" : "0x" + magic))"
        case .tooLarge(let format, let width, let height, let limits):
            return "the \(format.rawValue) image is \(width)x\(height) px, above the limit of \(limits.maxPixels) px"
                + " in all and \(limits.maxSide) px per side; scale it down first"
        case .corrupt(let format, let reason):
            return "the \(format.rawValue) file cannot be decoded: \(reason)"
        case .translucent(let format, let pixels):
            return "the \(format.rawValue) image has \(pixels) translucent pixel\(pixels == 1 ? "" : "s"), and renders"
                + " take opaque RGB only;"
                + " flatten it onto a background (e.g. `magick in.png -background white -flatten out.png`) first"
        case .cmyk:
            return "the JPEG is CMYK, which needs its colour profile to become RGB; convert it to RGB first"
                + " (e.g. `magick in.jpg -colorspace sRGB out.jpg`)"
        case .outOfMemory(let width, let height):
            return "no memory to decode a \(width)x\(height) px image"
        }
    }
}
