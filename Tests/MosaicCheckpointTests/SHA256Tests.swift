import MosaicDiffusion
import MosaicRender
import Testing

@testable import MosaicCheckpoint

@Suite struct SHA256Tests {
    /// FIPS 180-2 appendix B examples and the empty message.
    @Test(arguments: [
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
        (
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
        ),
    ])
    func fipsVectors(message: String, digest: String) {
        #expect(SHA256.hexDigest(message.utf8) == digest)
    }

    @Test func oneMillionA() {
        #expect(
            SHA256.hexDigest(repeatElement(UInt8(ascii: "a"), count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Lengths around the padding boundaries (55/56 bytes, one and two blocks), from hashlib.
    @Test(arguments: [
        (55, "e7313d333c272e639f790978283f9eb392e843d0f29b7016828bb1daa4aac70b"),
        (56, "4324d65f3c103567f5589c710bc08f8523f929a9272e3af36fc968e52abc6c27"),
        (63, "81c80242132f230c3bd41b3e63bbcff16107339549214a99614ff26664625055"),
        (64, "39e3d7b6b5d075d37d053ad89b24b41bef4f3c29760c84447cab3f3be1882241"),
        (65, "aacca6ff74fdbb296d165a45cecfa04e5127bc008770fbbdd48006f2d2fae95e"),
        (119, "9ce7368e4daf32341631b492e80359dc9f594b48453cd0dd5bf0b19279cc177e"),
        (120, "7836b787757e95e58b3ca5aec90b1b004e8deba1e50e9675af9cabf1a13a04b5"),
        (128, "d2742f1f4ac6bb7ca2b239ee18402ba8b3f9f8e652d2a72973c2b9ba11c08cf6"),
    ])
    func paddingBoundaries(length: Int, digest: String) {
        let message = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 7 + 3) }
        #expect(SHA256.hexDigest(message) == digest)
        var split = SHA256()
        split.update(message.prefix(length / 3))
        split.update(message.dropFirst(length / 3))
        #expect(split.finalize() == SHA256.hash(message))
    }

    @Test func checkpointHashIsTheDigestOfSortedCanonicalJSON() {
        let parameters = RenderParameters(
            prompt: "a \"quoted\" fjord\n", negativePrompt: "blur", width: 512, height: 256, steps: 12,
            sampler: .eulerAncestral, guidanceScale: 7.5, seed: 42, tiling: .shifted, tileSize: 32, tileOverlap: 8)
        let expected =
            #"{"guidance_scale":7.5,"hash_format":"mosaic-render-parameters/1","height":256,"model":"mosaic-field","#
            + #""negative_prompt":"blur","prompt":"a \"quoted\" fjord\n","sampler":"euler_a","seed":42,"steps":12,"#
            + #""tile_overlap":8,"tile_size":32,"tile_weighting":"gaussian","tiling":"shifted","width":512}"#
        #expect(parameters.canonicalJSON == expected)
        #expect(parameters.checkpointHash == SHA256.hexDigest(expected.utf8))
        #expect(parameters.checkpointHash.count == 64)
    }

    @Test func everyPixelDeterminingFieldChangesTheHash() {
        let base = RenderParameters(prompt: "x")
        var variants: [RenderParameters] = []
        func vary(_ change: (inout RenderParameters) -> Void) {
            var copy = base
            change(&copy)
            variants.append(copy)
        }
        vary { $0.prompt = "y" }
        vary { $0.negativePrompt = "n" }
        vary { $0.model = "other" }
        vary { $0.width = 512 }
        vary { $0.height = 512 }
        vary { $0.steps = 31 }
        vary { $0.sampler = .euler }
        vary { $0.guidanceScale = 5 }
        vary { $0.seed = 1 }
        vary { $0.tiling = .none }
        vary { $0.tileSize = 48 }
        vary { $0.tileOverlap = 8 }
        vary { $0.tileWeighting = .uniform }
        let hashes = Set(([base] + variants).map(\.checkpointHash))
        #expect(hashes.count == variants.count + 1)
        #expect(base.checkpointHash == RenderParameters(prompt: "x").checkpointHash)
    }
}
