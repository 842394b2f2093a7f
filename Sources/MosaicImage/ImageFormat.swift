// The upload formats, recognised by their magic bytes: a file's name and a request's
// Content-Type say what a client believes, the first bytes what the file is.

/// A still-image file format that `ImageDecoder` reads.
public enum ImageFormat: String, Sendable, Equatable, CaseIterable, Codable {
    /// PNG (libpng).
    case png
    /// JPEG / JFIF / EXIF (libjpeg-turbo).
    case jpeg
    /// WebP, lossy or lossless (libwebp).
    case webp

    /// The format whose signature `bytes` start with, or nil.
    public static func sniff(_ bytes: some Collection<UInt8>) -> ImageFormat? {
        let head = Array(bytes.prefix(12))
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if head.count == 12, head[0..<4].elementsEqual("RIFF".utf8), head[8..<12].elementsEqual("WEBP".utf8) {
            return .webp
        }
        return nil
    }
}
