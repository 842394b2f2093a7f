import Testing

@testable import MosaicUpscale

/// Recognising the variants from key names and shapes, and refusing everything else by key.
@Suite struct RRDBNetConfigurationTests {
    @Test func readsTheFixtures() throws {
        let x4 = try configuration("tiny_x4plus.pth")
        #expect(x4 == RRDBNetConfiguration(keyStyle: .realESRGAN, features: 8, growth: 4, blocks: 1, unshuffle: 1))
        #expect(x4.scale == 4)
        let x2 = try configuration("tiny_x2plus.safetensors")
        #expect(x2 == RRDBNetConfiguration(keyStyle: .realESRGAN, features: 8, growth: 4, blocks: 1, unshuffle: 2))
        #expect(x2.scale == 2)
        let classic = try configuration("tiny_esrgan.pth")
        #expect(
            classic == RRDBNetConfiguration(keyStyle: .classicESRGAN, features: 8, growth: 4, blocks: 2, unshuffle: 1))
        #expect(classic.fileKey("conv_body.weight") == "model.1.sub.2.weight")
        #expect(classic.fileKey("body.1.rdb3.conv5.bias") == "model.1.sub.1.RDB3.conv5.0.bias")
        #expect(classic.fileKey("conv_last.weight") == "model.10.weight")
    }

    @Test func fullSizeShapesAreRecognised() throws {
        let real = RRDBNetConfiguration(keyStyle: .realESRGAN, features: 64, growth: 32, blocks: 23, unshuffle: 1)
        #expect(try RRDBNetConfiguration(shapes: shapes(real), path: "x4plus") == real)
        let x2 = RRDBNetConfiguration(keyStyle: .realESRGAN, features: 64, growth: 32, blocks: 23, unshuffle: 2)
        #expect(try RRDBNetConfiguration(shapes: shapes(x2), path: "x2plus") == x2)
        let classic = RRDBNetConfiguration(keyStyle: .classicESRGAN, features: 64, growth: 32, blocks: 23, unshuffle: 1)
        #expect(try RRDBNetConfiguration(shapes: shapes(classic), path: "esrgan") == classic)
    }

    @Test func refusesOtherNetworksNamingTheKey() {
        let base = RRDBNetConfiguration(keyStyle: .realESRGAN, features: 8, growth: 4, blocks: 2, unshuffle: 1)
        var extra = shapes(base)
        extra["body.0.rdb1.conv1x1.weight"] = [4, 8, 1, 1]  // ESRGAN+
        #expect(
            throws: UpscalerError.unrecognisedArchitecture(
                path: "p", reason: "unexpected key 'body.0.rdb1.conv1x1.weight'")
        ) {
            _ = try RRDBNetConfiguration(shapes: extra, path: "p")
        }
        var missing = shapes(base)
        missing["body.1.rdb2.conv3.bias"] = nil
        #expect(throws: UpscalerError.missingWeight("body.1.rdb2.conv3.bias")) {
            _ = try RRDBNetConfiguration(shapes: missing, path: "p")
        }
        var wrong = shapes(base)
        wrong["conv_up1.weight"] = [8, 8, 1, 1]
        #expect(
            throws: UpscalerError.shapeMismatch(name: "conv_up1.weight", expected: [8, 8, 3, 3], actual: [8, 8, 1, 1])
        ) {
            _ = try RRDBNetConfiguration(shapes: wrong, path: "p")
        }
        var gray = shapes(base)
        gray["conv_last.weight"] = [1, 8, 3, 3]
        #expect(throws: UpscalerError.self) { _ = try RRDBNetConfiguration(shapes: gray, path: "p") }
        #expect(throws: UpscalerError.self) {
            _ = try RRDBNetConfiguration(
                shapes: ["first_stage_model.encoder.conv_in.weight": [128, 3, 3, 3]], path: "p")
        }
    }

    private func configuration(_ file: String) throws -> RRDBNetConfiguration {
        let path = UpscaleFixtures.path(file)
        return try RRDBNetConfiguration(shapes: WeightFiles.open(path).shapes, path: path)
    }

    private func shapes(_ c: RRDBNetConfiguration) -> [String: [Int]] {
        var result: [String: [Int]] = [:]
        for (name, shape) in c.expectedShapes() { result[c.fileKey(name)] = shape }
        return result
    }
}
