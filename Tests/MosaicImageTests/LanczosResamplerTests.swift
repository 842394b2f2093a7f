import Foundation
import Testing

@testable import MosaicImage

@Suite struct LanczosResamplerTests {
    /// Every fixture size equals Pillow's `Image.resize(size, Image.LANCZOS)` within 1/255 on
    /// every value (the goal; the arithmetic is Pillow's, so in practice it is exact).
    @Test func matchesPillow() throws {
        let index = try ImageFixtures.lanczosIndex()
        var exact = 0
        var total = 0
        for source in index.sources {
            let image = try RGBImage(
                width: source.width, height: source.height, pixels: ImageFixtures.bytes("lanczos/\(source.name).rgb"))
            for target in source.targets {
                let resized = try image.resizedLanczos(width: target.width, height: target.height)
                let expected = try ImageFixtures.bytes("lanczos/" + target.file)
                #expect(resized.width == target.width && resized.height == target.height)
                let differences = zip(resized.pixels, expected).map { abs(Int($0) - Int($1)) }
                #expect((differences.max() ?? 0) <= 1, "\(source.name) to \(target.width)x\(target.height)")
                exact += differences.filter { $0 == 0 }.count
                total += differences.count
            }
        }
        #expect(exact == total, "\(total - exact) of \(total) values differ from Pillow by 1")
    }

    /// Threads split the rows, so any thread count gives the same bytes.
    @Test func threadCountDoesNotChangeTheResult() throws {
        let image = try TestImages.noise(width: 97, height: 61, seed: 3)
        let one = try image.resizedLanczos(width: 40, height: 150, threads: 1)
        for threads in [2, 3, 7, 64] {
            #expect(try image.resizedLanczos(width: 40, height: 150, threads: threads) == one)
        }
    }

    /// The same size is the same image; a flat image stays flat at any size.
    @Test func identityAndFlatImages() throws {
        let image = try TestImages.noise(width: 12, height: 9, seed: 4)
        #expect(try image.resizedLanczos(width: 12, height: 9) == image)
        let flat = try RGBImage(width: 10, height: 7, pixels: [UInt8](repeating: 77, count: 10 * 7 * 3))
        for (width, height) in [(3, 2), (31, 5), (1, 40)] {
            #expect(try flat.resizedLanczos(width: width, height: height).pixels.allSatisfy { $0 == 77 })
        }
        #expect(throws: ImageError.self) { try image.resizedLanczos(width: 0, height: 5) }
    }
}
