import Foundation
import Testing

@testable import MosaicImage

@Suite struct WebPRoundTripTests {
    @Test(arguments: [(1, 1), (7, 13), (257, 129), (64, 64), (1000, 3)])
    func losslessIsExact(width: Int, height: Int) throws {
        let image = try TestImages.noise(width: width, height: height, seed: UInt64(width * 7919 + height))
        let bytes = try WebPEncoder(.lossless).encode(image)
        let decoded = try WebPDecoder.decode(bytes)
        #expect(decoded == image)
    }

    @Test(arguments: [0, 2, 6])
    func losslessIsExactAtEveryEffort(level: Int) throws {
        let image = try TestImages.smooth(width: 67, height: 45, seed: 3)
        let bytes = try WebPEncoder(.lossless, losslessLevel: level).encode(image)
        #expect(try WebPDecoder.decode(bytes) == image)
    }

    @Test(arguments: [0, 4, 6])
    func lossyIsClose(method: Int) throws {
        let image = try TestImages.smooth(width: 256, height: 192, seed: 11)
        let bytes = try WebPEncoder(.lossy(quality: 90), lossyMethod: method).encode(image)
        let decoded = try WebPDecoder.decode(bytes)
        #expect(decoded.width == image.width && decoded.height == image.height)
        let psnr = TestImages.psnr(image, decoded)
        #expect(psnr > 30, "PSNR \(psnr) dB")
        #expect(bytes.count < image.pixels.count / 4)
    }

    @Test func lossyOddSizeKeepsDimensions() throws {
        let image = try TestImages.smooth(width: 7, height: 13, seed: 5)
        let decoded = try WebPDecoder.decode(WebPEncoder(.lossy(quality: 75)).encode(image))
        #expect(decoded.width == 7 && decoded.height == 13)
    }

    @Test(arguments: [(16_400, 1), (1, 16_384)])
    func refusesSidesAboveWebPLimit(width: Int, height: Int) throws {
        let image = try RGBImage(width: width, height: height)
        let side = width > 16_383 ? "width" : "height"
        let pixels = max(width, height)
        let error = #expect(throws: WebPError.self) { try WebPEncoder(.lossy(quality: 80)).encode(image) }
        #expect(error == .dimensionTooLarge(side: side, pixels: pixels, limit: 16_383))
        #expect(error?.description == "image \(side) \(pixels) px exceeds WebP's limit of 16383 px per side")
    }

    @Test func acceptsTheLargestSide() throws {
        let image = try RGBImage(width: 16_383, height: 2)
        let decoded = try WebPDecoder.decode(WebPEncoder(.lossless, losslessLevel: 0).encode(image))
        #expect(decoded == image)
    }

    @Test(arguments: [Float(-1), 100.5, .nan])
    func refusesInvalidQuality(quality: Float) throws {
        let image = try RGBImage(width: 4, height: 4)
        #expect(throws: WebPError.self) { try WebPEncoder(.lossy(quality: quality)).encode(image) }
    }

    @Test func rejectsGarbage() {
        #expect(throws: WebPError.self) { try WebPDecoder.decode([1, 2, 3, 4, 5]) }
        #expect(throws: WebPError.self) { try WebPDecoder.xmp(in: [1, 2, 3]) }
    }
}
