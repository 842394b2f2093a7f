import MosaicCheckpoint
import MosaicImage

/// The identity of an init image's pixels, which a render's checkpoint hash covers: the SHA-256
/// (64 hex digits) of `"rgb8 WIDTHxHEIGHT\n"` followed by the interleaved RGB bytes. Two files
/// that decode to the same pixels (a PNG and a lossless WebP) have the same digest.
public enum ImageDigest {
    /// The digest of `image`'s pixels.
    public static func hex(of image: RGBImage) -> String {
        var hasher = SHA256()
        hasher.update(Array("rgb8 \(image.width)x\(image.height)\n".utf8))
        hasher.update(image.pixels)
        return hasher.finalize().map { byte in
            let digits = String(byte, radix: 16)
            return byte < 16 ? "0" + digits : digits
        }.joined()
    }
}
