/// How large an uploaded image may be, checked against its header before any pixel is
/// decoded: a small file can claim a huge image (a decompression bomb).
public struct ImageDecodeLimits: Sendable, Equatable {
    /// The most pixels (`width * height`); the default is 16384 x 16384.
    public var maxPixels: Int
    /// The longest side; the default is WebP's limit, since images are stored as WebP.
    public var maxSide: Int

    /// The defaults: 16384 x 16384 pixels in all, 16383 px per side.
    public static let standard = ImageDecodeLimits(maxPixels: 16384 * 16384, maxSide: WebPError.maxDimension)

    /// Creates limits.
    public init(maxPixels: Int, maxSide: Int) {
        self.maxPixels = maxPixels
        self.maxSide = maxSide
    }

    /// Throws `ImageDecodeError.tooLarge` unless a `width` x `height` image fits.
    func check(width: Int, height: Int, format: ImageFormat) throws(ImageDecodeError) {
        guard width >= 1, height >= 1 else {
            throw .corrupt(format: format, reason: "the header claims a \(width)x\(height) px image")
        }
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard width <= maxSide, height <= maxSide, !overflow, pixels <= maxPixels else {
            throw .tooLarge(format: format, width: width, height: height, limits: self)
        }
    }
}
