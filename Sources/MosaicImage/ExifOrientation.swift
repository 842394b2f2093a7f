// EXIF orientation (TIFF tag 0x0112): how a camera's stored pixels must be turned to stand
// upright. Uploads are stored upright, as Pillow's `ImageOps.exif_transpose` leaves them.

/// The eight EXIF orientations; the raw value is the tag's value.
public enum ExifOrientation: Int, Sendable, Equatable, CaseIterable {
    /// Stored upright.
    case up = 1
    /// Mirrored left to right.
    case upMirrored = 2
    /// Upside down.
    case down = 3
    /// Mirrored top to bottom.
    case downMirrored = 4
    /// Transposed (mirrored across the main diagonal).
    case leftMirrored = 5
    /// Stored turned 90 degrees counter-clockwise: shown turned 90 degrees clockwise.
    case right = 6
    /// Transversed (mirrored across the anti-diagonal).
    case rightMirrored = 7
    /// Stored turned 90 degrees clockwise: shown turned 90 degrees counter-clockwise.
    case left = 8

    /// Whether the upright image's width is the stored image's height.
    public var swapsSides: Bool { rawValue >= 5 }

    /// `image` turned upright.
    public func apply(to image: RGBImage) -> RGBImage {
        guard self != .up else { return image }
        let (width, height) = (image.width, image.height)
        let (outWidth, outHeight) = swapsSides ? (height, width) : (width, height)
        var out = [UInt8](repeating: 0, count: image.pixels.count)
        image.pixels.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                for oy in 0..<outHeight {
                    for ox in 0..<outWidth {
                        let (ix, iy) = sourcePixel(x: ox, y: oy, width: width, height: height)
                        let from = (iy * width + ix) * 3
                        let to = (oy * outWidth + ox) * 3
                        target[to] = source[from]
                        target[to + 1] = source[from + 1]
                        target[to + 2] = source[from + 2]
                    }
                }
            }
        }
        return RGBImage(uncheckedWidth: outWidth, height: outHeight, pixels: out)
    }

    /// The stored pixel shown at upright position `(x, y)` of a stored `width` x `height` image.
    func sourcePixel(x: Int, y: Int, width: Int, height: Int) -> (x: Int, y: Int) {
        switch self {
        case .up: (x, y)
        case .upMirrored: (width - 1 - x, y)
        case .down: (width - 1 - x, height - 1 - y)
        case .downMirrored: (x, height - 1 - y)
        case .leftMirrored: (y, x)
        case .right: (y, height - 1 - x)
        case .rightMirrored: (width - 1 - y, height - 1 - x)
        case .left: (width - 1 - y, x)
        }
    }

    /// The orientation recorded in an EXIF (TIFF) block, `.up` when it has none or an invalid
    /// one: a broken tag should not refuse an otherwise good picture. A leading `Exif\0\0` (as
    /// in JPEG's APP1, and in some PNG and WebP writers' chunks) is skipped.
    public static func read(exif block: some Collection<UInt8>) -> ExifOrientation {
        var bytes = Array(block)
        if bytes.starts(with: Array("Exif".utf8) + [0, 0]) { bytes.removeFirst(6) }
        guard bytes.count >= 8 else { return .up }
        let little: Bool
        switch (bytes[0], bytes[1]) {
        case (0x49, 0x49): little = true
        case (0x4D, 0x4D): little = false
        default: return .up
        }
        func u16(_ at: Int) -> Int? {
            guard at >= 0, at + 2 <= bytes.count else { return nil }
            let (a, b) = (Int(bytes[at]), Int(bytes[at + 1]))
            return little ? a | b << 8 : a << 8 | b
        }
        func u32(_ at: Int) -> Int? {
            guard let first = u16(at), let second = u16(at + 2) else { return nil }
            return little ? first | second << 16 : first << 16 | second
        }
        guard u16(2) == 42, let ifd = u32(4), let count = u16(ifd) else { return .up }
        for entry in 0..<count {
            let at = ifd + 2 + entry * 12
            guard let tag = u16(at), let type = u16(at + 2) else { return .up }
            // SHORT (3) is the tag's type; a value of type LONG (4) is accepted from sloppy writers.
            guard tag == 0x0112 else { continue }
            let value = type == 4 ? u32(at + 8) : u16(at + 8)
            return value.flatMap(ExifOrientation.init(rawValue:)) ?? .up
        }
        return .up
    }
}
