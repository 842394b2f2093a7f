import Foundation
import MosaicImage
import MosaicTensor
import MosaicTestSupport
import Testing

@testable import MosaicUpscale

/// The upscalers against the PyTorch reference (make_fixtures.py) on random weights.
@Suite struct RRDBUpscalerTests {
    @Test(arguments: UpscaleFixtures.names, ["safetensors", "pth"])
    func matchesReference(name: String, format: String) throws {
        let reference = try UpscaleFixtures.reference(name)
        let upscaler = try RRDBUpscaler(path: UpscaleFixtures.path("\(name).\(format)"))
        try UpscaleFixtures.withPool(2) { pool in
            let floats = upscaler.upscaledFloats(reference.image, pool: pool)
            #expect(floats.shape == reference.output.shape)
            let error = UpscaleFixtures.relativeL2(floats.scalars, reference.output.scalars)
            #expect(error < 1e-4, "\(name).\(format): relative L2 \(error)")

            let image = try upscaler.upscale(reference.image, pool: pool)
            #expect(image.width == reference.image.width * upscaler.scale)
            #expect(image.height == reference.image.height * upscaler.scale)
            var worst: Float = 0
            for c in 0..<3 {
                for y in 0..<image.height {
                    for x in 0..<image.width {
                        let value = Float(image.pixels[(y * image.width + x) * 3 + c])
                        worst = max(worst, abs(value - reference.rounded[(c * image.height + y) * image.width + x]))
                    }
                }
            }
            #expect(worst <= 1, "\(name).\(format): 8-bit difference \(worst)")
        }
    }

    @Test func scalesOfTheVariants() throws {
        let scales = try UpscaleFixtures.names.map { try RRDBUpscaler(path: UpscaleFixtures.path("\($0).pth")).scale }
        #expect(scales == [4, 2, 4])
    }

    /// Small tiles whose padding covers the network's receptive field give the untiled result.
    @Test func tilesWithFullContextMatchTheReference() throws {
        let reference = try UpscaleFixtures.reference("tiny_x2plus")
        let network = try RRDBUpscaler(path: UpscaleFixtures.path("tiny_x2plus.safetensors")).network
        let tiled = RRDBUpscaler(network: network, tileSize: 4, tilePad: 64)
        let floats = UpscaleFixtures.withPool(2) { tiled.upscaledFloats(reference.image, pool: $0) }
        let error = UpscaleFixtures.relativeL2(floats.scalars, reference.output.scalars)
        #expect(error < 1e-4, "relative L2 \(error)")
    }

    /// Tiles are independent and single-threaded: any thread count gives the same bytes.
    @Test func outputDoesNotDependOnTheThreadCount() throws {
        var generator = SeededGenerator(seed: 20)
        let image = try RGBImage(width: 37, height: 29, pixels: generator.bytes(37 * 29 * 3))
        for name in ["tiny_x4plus", "tiny_x2plus"] {
            let network = try RRDBUpscaler(path: UpscaleFixtures.path("\(name).safetensors")).network
            let upscaler = RRDBUpscaler(network: network, tileSize: 8, tilePad: 4)
            let one = try UpscaleFixtures.withPool(1) { try upscaler.upscale(image, pool: $0) }
            let three = try UpscaleFixtures.withPool(3) { try upscaler.upscale(image, pool: $0) }
            #expect(one == three, "\(name)")
            let floatsOne = UpscaleFixtures.withPool(1) { upscaler.upscaledFloats(image, pool: $0) }
            let floatsThree = UpscaleFixtures.withPool(3) { upscaler.upscaledFloats(image, pool: $0) }
            #expect(floatsOne.scalars.map(\.bitPattern) == floatsThree.scalars.map(\.bitPattern), "\(name)")
            #expect(one.width == 37 * upscaler.scale && one.height == 29 * upscaler.scale)
        }
    }

    @Test func eightBitConversionClampsAndRoundsHalfToEven() {
        #expect(RRDBUpscaler.byte(-0.5) == 0 && RRDBUpscaler.byte(7) == 255 && RRDBUpscaler.byte(.infinity) == 255)
        #expect(RRDBUpscaler.byte(.nan) == 0 && RRDBUpscaler.byte(-.infinity) == 0)
        #expect(RRDBUpscaler.byte(0.5) == 128)  // 127.5 rounds to the even 128
        #expect(RRDBUpscaler.byte(Float(126.5) / 255) == 126)  // 126.5 rounds to the even 126
    }

    @Test func reflectPaddingMatchesTorch() {
        // F.pad(mode="reflect") of [0, 1, 2] by 2 on the right reads 1, 0.
        #expect((0..<5).map { RRDBUpscaler.reflect($0, 3) } == [0, 1, 2, 1, 0])
        #expect(RRDBUpscaler.reflect(1, 1) == 0)
    }
}
