import Foundation
import Testing

@testable import MosaicImage

@Suite struct ImageDecoderTests {
    static let cases = (try? ImageFixtures.decodeIndex().cases) ?? []

    /// Each fixture decodes to Pillow's pixels (exact for PNG and lossless WebP; JPEG and lossy
    /// WebP within the rounding of another build of the same library; 16-bit PNGs scaled to 8
    /// bits as libpng's png_set_scale_16 does, where Pillow clips), or is refused as it should be.
    @Test(arguments: cases.map(\.name))
    func fixtureDecodesAsPillowDoes(name: String) throws {
        let entry = try #require(Self.cases.first { $0.name == name })
        let bytes = try ImageFixtures.bytes("decode/" + entry.file)
        #expect(ImageFormat.sniff(bytes)?.rawValue == entry.format)
        switch entry.refusal {
        case "translucent":
            #expect {
                try ImageDecoder().decode(bytes)
            } throws: { error in
                guard case .translucent(_, let pixels) = error as? ImageDecodeError else { return false }
                return pixels == 1
            }
        case "cmyk":
            #expect(throws: ImageDecodeError.cmyk) { try ImageDecoder().decode(bytes) }
        default:
            let decoded = try ImageDecoder().decode(bytes)
            let expected = try ImageFixtures.bytes("decode/\(entry.name).rgb")
            #expect(decoded.image.width == entry.width && decoded.image.height == entry.height)
            let tolerance = entry.format == "jpeg" || name == "webp_lossy" ? 3 : 0
            let worst = zip(decoded.image.pixels, expected).map { abs(Int($0) - Int($1)) }.max() ?? 0
            #expect(worst <= tolerance, "largest difference \(worst) from Pillow")
        }
    }

    /// EXIF orientations 1-8 in JPEG: each turns the 9x6 picture as Pillow's exif_transpose does.
    @Test func jpegOrientationsTurnThePicture() throws {
        for orientation in ExifOrientation.allCases {
            let decoded = try ImageDecoder().decode(
                try ImageFixtures.bytes("decode/jpeg_exif_\(orientation.rawValue).jpg"))
            #expect(decoded.orientation == orientation)
            #expect(decoded.image.width == (orientation.swapsSides ? 6 : 9))
        }
        let png = try ImageDecoder().decode(try ImageFixtures.bytes("decode/png_exif_6.png"))
        #expect(png.orientation == .right && png.image.width == 6)
        let webp = try ImageDecoder().decode(try ImageFixtures.bytes("decode/webp_exif_8.webp"))
        #expect(webp.orientation == .left && webp.image.width == 6)
    }

    /// Orientation against a direct definition: the upright image's pixel (x, y) for each tag.
    @Test func orientationMatchesItsDefinition() throws {
        let pixels = (0..<(3 * 2 * 3)).map { UInt8($0) }
        let stored = try RGBImage(width: 3, height: 2, pixels: pixels)
        // Upright corner pixels (top-left, top-right) for each orientation, as stored (x, y).
        let corners: [ExifOrientation: [(Int, Int)]] = [
            .up: [(0, 0), (2, 0)], .upMirrored: [(2, 0), (0, 0)], .down: [(2, 1), (0, 1)],
            .downMirrored: [(0, 1), (2, 1)], .leftMirrored: [(0, 0), (0, 1)], .right: [(0, 1), (0, 0)],
            .rightMirrored: [(2, 1), (2, 0)], .left: [(2, 0), (2, 1)],
        ]
        for (orientation, expected) in corners {
            let upright = orientation.apply(to: stored)
            let right = upright.width - 1
            #expect(upright.rgb(x: 0, y: 0) == stored.rgb(x: expected[0].0, y: expected[0].1), "\(orientation)")
            #expect(upright.rgb(x: right, y: 0) == stored.rgb(x: expected[1].0, y: expected[1].1), "\(orientation)")
        }
    }

    /// TIFF blocks in both byte orders, with or without JPEG's `Exif\0\0`, SHORT or LONG values;
    /// anything broken reads as upright.
    @Test func exifBlocksAreReadInBothByteOrders() {
        // One IFD entry: tag 0x0112, type, count 1, value.
        let bigEndian: [UInt8] = Array("MM".utf8) + [0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]
        let little: [UInt8] = Array("II".utf8) + [42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 4, 0, 1, 0, 0, 0, 3, 0, 0, 0]
        #expect(ExifOrientation.read(exif: bigEndian) == .right)
        #expect(ExifOrientation.read(exif: Array("Exif".utf8) + [0, 0] + bigEndian) == .right)
        #expect(ExifOrientation.read(exif: little) == .down)
        var outOfRange = bigEndian
        outOfRange[19] = 9
        for broken in [outOfRange, Array(bigEndian.prefix(12)), [], Array("XX".utf8) + bigEndian.dropFirst(2)] {
            #expect(ExifOrientation.read(exif: broken) == .up)
        }
    }

    /// A PNG header claiming 100000 x 100000 px is refused before anything is decoded.
    @Test func decompressionBombIsRefusedFromTheHeader() throws {
        let bomb = Self.pngHeader(width: 100_000, height: 100_000)
        #expect {
            try ImageDecoder().decode(bomb)
        } throws: { error in
            guard case .tooLarge(.png, 100_000, 100_000, _) = error as? ImageDecodeError else { return false }
            return true
        }
        // The limits are the caller's: 9x6 = 54 px is above a 50 px budget.
        let small = ImageDecoder(limits: ImageDecodeLimits(maxPixels: 50, maxSide: 100))
        for file in ["png_rgb.png", "jpeg_rgb.jpg", "webp_lossless.webp"] {
            #expect(throws: ImageDecodeError.self) { try small.decode(try ImageFixtures.bytes("decode/" + file)) }
        }
        let narrow = ImageDecoder(limits: ImageDecodeLimits(maxPixels: 1000, maxSide: 8))
        #expect(throws: ImageDecodeError.self) { try narrow.decode(try ImageFixtures.bytes("decode/png_rgb.png")) }
    }

    /// Every prefix of every fixture either decodes or throws: truncation never crashes.
    @Test func truncatedFilesThrow() throws {
        for entry in Self.cases where entry.refusal == nil {
            let bytes = try ImageFixtures.bytes("decode/" + entry.file)
            for length in Set([0, 1, 7, 8, 20, 40, bytes.count / 2, bytes.count - 20, bytes.count - 1])
            where length < bytes.count && length >= 0 {
                let prefix = Array(bytes.prefix(length))
                do {
                    _ = try ImageDecoder().decode(prefix)
                    // A JPEG cut inside its last bytes may still hold every scan; none else may decode.
                    #expect(
                        entry.format == "jpeg" && length >= bytes.count - 2, "\(entry.name) cut at \(length) decoded")
                } catch {}
            }
        }
    }

    /// Flipped bytes in the middle of a file are refused or decoded, never a crash.
    @Test func corruptFilesDoNotCrash() throws {
        for entry in Self.cases {
            var bytes = try ImageFixtures.bytes("decode/" + entry.file)
            for index in stride(from: 12, to: bytes.count, by: max(1, bytes.count / 16)) { bytes[index] ^= 0x5A }
            _ = try? ImageDecoder().decode(bytes)
        }
    }

    /// Anything that is not a PNG, JPEG or WebP is refused by its magic, whatever it claims to be.
    @Test func wrongMagicIsRefused() {
        for bytes in [
            [], Array("GIF89a....".utf8), Array("{\"prompt\":\"x\"}".utf8), [0x89, 0x50, 0x4E, 0x47],
            Array("RIFF\0\0\0\0WAVE".utf8),
        ] {
            #expect {
                try ImageDecoder().decode(bytes)
            } throws: { error in
                guard case .unknownFormat = error as? ImageDecodeError else { return false }
                return true
            }
        }
    }

    /// The header of a PNG claiming `width` x `height` px, followed by nothing.
    static func pngHeader(width: Int, height: Int) -> [UInt8] {
        func u32(_ value: Int) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) } }
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + u32(13) + Array("IHDR".utf8) + u32(width)
            + u32(height) + [8, 2, 0, 0, 0] + [0, 0, 0, 0]
    }
}
