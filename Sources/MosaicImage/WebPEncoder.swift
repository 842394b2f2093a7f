// WebP encoding through libwebp's advanced API, plus XMP attachment through libwebpmux.
//
// Memory: the RGB samples go straight into libwebp with WebPPictureImportRGB, which converts
// them into the encoder's native layout (YUV420 for lossy, ARGB for lossless) without any
// full-size Swift-side copy. Compressed bytes are collected by WebPMemoryWriter.
//
// Settings: lossy method 3 and above switch on rate-distortion optimisation, which costs 3-10x
// the time for no visible gain, so the default is 2, the slowest without it (smaller and sharper
// than 0/1 on smooth content). Lossless level 0 is the default: level 1 saves only 7-8% of the
// size but doubles the time and adds about 0.5 GiB of encoder memory at 8192x8192.
import CWebP

/// Encodes `RGBImage`s as WebP, optionally carrying an XMP packet.
public struct WebPEncoder: Sendable {
    /// The compression to use.
    public enum Mode: Sendable, Equatable {
        /// VP8 lossy compression; `quality` is libwebp's 0...100 scale (higher is better).
        case lossy(quality: Float)
        /// VP8L lossless compression: decoding returns exactly the input samples.
        case lossless
    }

    /// Lossy `method` used unless overridden (libwebp: 0 fastest ... 6 smallest); 2 is the
    /// slowest setting without rate-distortion optimisation (see file header).
    public static let defaultLossyMethod = 2
    /// Lossless effort level for `WebPConfigLosslessPreset` (0 fastest ... 9 smallest); 0 keeps
    /// the encoder's time and memory lowest (see file header).
    public static let defaultLosslessLevel = 0

    /// Lossy or lossless.
    public var mode: Mode
    /// libwebp `method` for lossy encoding, 0...6.
    public var lossyMethod: Int
    /// `WebPConfigLosslessPreset` level for lossless encoding, 0...9.
    public var losslessLevel: Int
    /// Sets libwebp's `thread_level`: lets the encoder use a second thread where it can.
    public var multithreaded: Bool

    /// An encoder with the default method/level and threading enabled.
    public init(
        _ mode: Mode,
        lossyMethod: Int = WebPEncoder.defaultLossyMethod,
        losslessLevel: Int = WebPEncoder.defaultLosslessLevel,
        multithreaded: Bool = true
    ) {
        self.mode = mode
        self.lossyMethod = lossyMethod
        self.losslessLevel = losslessLevel
        self.multithreaded = multithreaded
    }

    /// Encodes `image`; when `xmp` is given it is stored verbatim (UTF-8) as the `XMP ` chunk.
    ///
    /// - Throws: `WebPError.dimensionTooLarge` for a side above 16383 px, `.invalidQuality`,
    ///   `.invalidConfiguration`, `.importFailed`, `.encodingFailed` or `.muxFailed`.
    public func encode(_ image: RGBImage, xmp: String? = nil) throws(WebPError) -> [UInt8] {
        try Self.checkDimensions(image)
        var config = try makeConfig()
        let bitstream = try Self.compress(image, config: &config)
        guard let xmp else { return bitstream }
        return try WebPMuxing.attach(xmp: xmp, to: bitstream)
    }

    /// Refuses sides libwebp cannot represent before doing any work.
    static func checkDimensions(_ image: RGBImage) throws(WebPError) {
        let limit = WebPError.maxDimension
        if image.width > limit { throw .dimensionTooLarge(side: "width", pixels: image.width, limit: limit) }
        if image.height > limit { throw .dimensionTooLarge(side: "height", pixels: image.height, limit: limit) }
    }

    /// Builds and validates the libwebp configuration for `mode`.
    func makeConfig() throws(WebPError) -> WebPConfig {
        var config = WebPConfig()
        guard mosaic_webp_config_init(&config) != 0 else { throw .invalidConfiguration }
        switch mode {
        case .lossy(let quality):
            guard quality.isFinite, (0...100).contains(quality) else { throw .invalidQuality(quality) }
            config.quality = quality
            config.method = Int32(clamping: lossyMethod)
        case .lossless:
            guard WebPConfigLosslessPreset(&config, Int32(clamping: losslessLevel)) != 0 else {
                throw .invalidConfiguration
            }
            // No alpha here, but `exact` guarantees libwebp never alters RGB it deems invisible.
            config.exact = 1
        }
        config.thread_level = multithreaded ? 1 : 0
        guard WebPValidateConfig(&config) != 0 else { throw .invalidConfiguration }
        return config
    }

    /// Imports the samples and runs WebPEncode into memory.
    static func compress(_ image: RGBImage, config: inout WebPConfig) throws(WebPError) -> [UInt8] {
        var picture = WebPPicture()
        guard mosaic_webp_picture_init(&picture) != 0 else { throw .invalidConfiguration }
        defer { WebPPictureFree(&picture) }
        picture.width = Int32(image.width)
        picture.height = Int32(image.height)
        // Import into the encoder's native layout: ARGB keeps lossless exact, while lossy
        // wants YUV420 (encoding from ARGB would make libwebp convert a second time).
        picture.use_argb = config.lossless
        let imported = image.pixels.withUnsafeBufferPointer { samples in
            WebPPictureImportRGB(&picture, samples.baseAddress, Int32(image.rowStride))
        }
        guard imported != 0 else { throw .importFailed(width: image.width, height: image.height) }

        var writer = WebPMemoryWriter()
        WebPMemoryWriterInit(&writer)
        defer { WebPMemoryWriterClear(&writer) }
        let encoded = withUnsafeMutablePointer(to: &writer) { writerPointer in
            picture.writer = WebPMemoryWrite
            picture.custom_ptr = UnsafeMutableRawPointer(writerPointer)
            return WebPEncode(&config, &picture)
        }
        guard encoded != 0 else {
            let code = Int(picture.error_code.rawValue)
            throw .encodingFailed(code: code, reason: Self.reason(for: picture.error_code))
        }
        return Array(UnsafeBufferPointer(start: writer.mem, count: writer.size))
    }

    /// Human-readable text for libwebp's encoder status codes.
    static func reason(for code: WebPEncodingError) -> String {
        switch code {
        case VP8_ENC_ERROR_OUT_OF_MEMORY: return "out of memory"
        case VP8_ENC_ERROR_BITSTREAM_OUT_OF_MEMORY: return "out of memory while flushing bits"
        case VP8_ENC_ERROR_NULL_PARAMETER: return "null parameter"
        case VP8_ENC_ERROR_INVALID_CONFIGURATION: return "invalid configuration"
        case VP8_ENC_ERROR_BAD_DIMENSION: return "bad picture dimension"
        case VP8_ENC_ERROR_PARTITION0_OVERFLOW: return "partition 0 exceeds 512 KiB (lower quality or raise method)"
        case VP8_ENC_ERROR_PARTITION_OVERFLOW: return "partition exceeds 16 MiB"
        case VP8_ENC_ERROR_BAD_WRITE: return "writer failed"
        case VP8_ENC_ERROR_FILE_TOO_BIG: return "output larger than 4 GiB"
        case VP8_ENC_ERROR_USER_ABORT: return "aborted"
        default: return "unknown error"
        }
    }
}
