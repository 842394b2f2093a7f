// RGBImage: the pixel container shared by the renderer, the WebP codec and the seam metric.
// It is deliberately plain (8-bit sRGB, interleaved, row-major, no padding) because that is
// exactly what WebPPictureImportRGB and WebPDecodeRGBInto read and write, so images cross the
// C boundary without any intermediate copy.

/// An 8-bit sRGB image with interleaved `R, G, B` samples, stored row-major without padding.
///
/// The sample for channel `c` of pixel `(x, y)` lives at `pixels[(y * width + x) * 3 + c]`.
public struct RGBImage: Sendable, Equatable {
    /// Samples per pixel (red, green, blue).
    public static let channels = 3

    /// Width in pixels (at least 1).
    public let width: Int
    /// Height in pixels (at least 1).
    public let height: Int
    /// Interleaved RGB samples, `width * height * 3` bytes, row-major.
    public private(set) var pixels: [UInt8]

    /// Bytes per row (`width * 3`).
    public var rowStride: Int { width * Self.channels }

    /// Wraps existing samples without copying them.
    ///
    /// - Throws: `ImageError.invalidDimensions` when a side is below 1 or the byte count
    ///   overflows `Int`; `ImageError.sampleCountMismatch` when `pixels.count` is not
    ///   `width * height * 3`.
    public init(width: Int, height: Int, pixels: [UInt8]) throws(ImageError) {
        let expected = try Self.byteCount(width: width, height: height)
        guard pixels.count == expected else {
            throw .sampleCountMismatch(width: width, height: height, expected: expected, actual: pixels.count)
        }
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// Creates a black image of the given size.
    ///
    /// - Throws: `ImageError.invalidDimensions` when a side is below 1 or the byte count
    ///   overflows `Int`.
    public init(width: Int, height: Int) throws(ImageError) {
        let count = try Self.byteCount(width: width, height: height)
        self.width = width
        self.height = height
        self.pixels = [UInt8](repeating: 0, count: count)
    }

    /// Trusted initialiser for callers (the decoder) that have already validated the sizes.
    init(uncheckedWidth width: Int, height: Int, pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// Gives mutable access to the samples in place; the buffer's size cannot change.
    public mutating func withUnsafeMutablePixels<R>(
        _ body: (UnsafeMutableBufferPointer<UInt8>) throws -> R
    ) rethrows -> R {
        try pixels.withUnsafeMutableBufferPointer { buffer in try body(buffer) }
    }

    /// The red, green and blue samples of pixel `(x, y)`; both coordinates must be in range.
    public func rgb(x: Int, y: Int) -> (red: UInt8, green: UInt8, blue: UInt8) {
        let offset = (y * width + x) * Self.channels
        return (pixels[offset], pixels[offset + 1], pixels[offset + 2])
    }

    /// `width * height * 3`, checked for positive sides and arithmetic overflow.
    static func byteCount(width: Int, height: Int) throws(ImageError) -> Int {
        guard width >= 1, height >= 1 else { throw .invalidDimensions(width: width, height: height) }
        let (area, overflowA) = width.multipliedReportingOverflow(by: height)
        let (bytes, overflowB) = area.multipliedReportingOverflow(by: channels)
        guard !overflowA, !overflowB else { throw .invalidDimensions(width: width, height: height) }
        return bytes
    }
}
