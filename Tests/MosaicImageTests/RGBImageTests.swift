import Testing

@testable import MosaicImage

@Suite struct RGBImageTests {
    @Test func acceptsMatchingSampleCount() throws {
        let image = try RGBImage(width: 2, height: 3, pixels: Array(0..<18))
        #expect(image.rowStride == 6)
        #expect(image.rgb(x: 1, y: 2) == (15, 16, 17))
    }

    @Test func rejectsWrongSampleCount() {
        #expect(throws: ImageError.sampleCountMismatch(width: 2, height: 2, expected: 12, actual: 11)) {
            try RGBImage(width: 2, height: 2, pixels: [UInt8](repeating: 0, count: 11))
        }
    }

    @Test(arguments: [(0, 5), (5, 0), (-1, 3), (Int.max, 2)])
    func rejectsInvalidDimensions(width: Int, height: Int) {
        #expect(throws: ImageError.invalidDimensions(width: width, height: height)) {
            try RGBImage(width: width, height: height)
        }
    }

    @Test func mutatesInPlace() throws {
        var image = try RGBImage(width: 1, height: 1)
        image.withUnsafeMutablePixels { $0[2] = 9 }
        #expect(image.pixels == [0, 0, 9])
    }
}
