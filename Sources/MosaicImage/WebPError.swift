// Typed failures of the WebP codec. Each case carries enough context (sizes, library status
// codes) for a log line to be actionable on its own. Files are the caller's business: the codec
// works on bytes, and MosaicCheckpoint's BinaryFile reads and writes them.

/// Why encoding, muxing or decoding a WebP image failed.
public enum WebPError: Error, Equatable, Sendable, CustomStringConvertible {
    /// WebP's largest side is 16383 px (`WEBP_MAX_DIMENSION`).
    public static let maxDimension = 16383

    /// A side of the image is larger than WebP allows; `side` is "width" or "height".
    case dimensionTooLarge(side: String, pixels: Int, limit: Int)
    /// Lossy quality outside `0...100` (or not a number).
    case invalidQuality(Float)
    /// libwebp rejected the encoder configuration (`WebPValidateConfig` failed).
    case invalidConfiguration
    /// `WebPPictureImportRGB` failed, which in practice means it could not allocate.
    case importFailed(width: Int, height: Int)
    /// `WebPEncode` failed; `code` is the `WebPEncodingError` value.
    case encodingFailed(code: Int, reason: String)
    /// A libwebpmux call failed; `code` is the `WebPMuxError` value.
    case muxFailed(operation: String, code: Int)
    /// The bytes are not a decodable WebP image.
    case invalidBitstream(reason: String)

    /// A one-line explanation suitable for logs and CLI output.
    public var description: String {
        switch self {
        case .dimensionTooLarge(let side, let pixels, let limit):
            return "image \(side) \(pixels) px exceeds WebP's limit of \(limit) px per side"
        case .invalidQuality(let quality):
            return "WebP lossy quality \(quality) is outside 0...100"
        case .invalidConfiguration:
            return "libwebp rejected the encoder configuration"
        case .importFailed(let width, let height):
            return "WebPPictureImportRGB failed for a \(width)x\(height) px image (out of memory?)"
        case .encodingFailed(let code, let reason):
            return "WebPEncode failed: \(reason) (WebPEncodingError \(code))"
        case .muxFailed(let operation, let code):
            return "\(operation) failed (WebPMuxError \(code))"
        case .invalidBitstream(let reason):
            return "not a decodable WebP image: \(reason)"
        }
    }
}
