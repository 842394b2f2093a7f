// Which checkpoint may continue which job. A checkpoint is only valid for the exact parameters
// that produced it: a resumed render with another seed, size, sampler or tiling would splice two
// different renders together. The hash is taken over a canonical JSON written by hand (keys
// sorted, no whitespace, integers in decimal, floats in Swift's shortest round-trip form) so
// that it does not change with Foundation's encoder or with Swift property names.

import MosaicCheckpoint
import MosaicTensor

extension RenderParameters {
    /// The canonical JSON of every field that determines the pixels, keys sorted; the
    /// `hash_format` entry versions the hashing itself.
    public var canonicalJSON: String {
        let guidance: JSONValue = guidanceScale.map { .number(Self.canonicalNumber($0)) } ?? .null
        var members: [(key: String, value: JSONValue)] = [
            ("hash_format", .string("mosaic-render-parameters/1")),
            ("prompt", .string(prompt)),
            ("negative_prompt", .string(negativePrompt)),
            ("model", .string(model)),
            ("width", .integer(width)),
            ("height", .integer(height)),
            ("steps", .integer(steps)),
            ("sampler", .string(sampler.rawValue)),
            ("guidance_scale", guidance),
            ("seed", .integer(seed)),
            ("tiling", .string(tiling.rawValue)),
            ("tile_size", .integer(tileSize)),
            ("tile_overlap", .integer(tileOverlap)),
            ("tile_weighting", .string(tileWeighting.rawValue)),
        ]
        // Image inputs and stages are hashed only when used, so the hashes of renders from
        // noise (and their checkpoints) stay what they were before these fields existed.
        if let initImage {
            members.append(("init_image", .string(initImage)))
            members.append(("strength", .number(Self.canonicalNumber(strength))))
        }
        if !stages.isEmpty {
            members.append(("stages", .array(stages.map { .integer($0) })))
            members.append(("strengths", .array(strengths.map { .number(Self.canonicalNumber($0)) })))
            members.append(("upscaler", .string(upscaler)))
        }
        return JSONValue.object(members).serialized(sortingKeys: true)
    }

    /// The SHA-256 (64 hex digits) of ``canonicalJSON``: checkpoints carry it, and a checkpoint
    /// with another hash is never resumed.
    public var checkpointHash: String {
        SHA256.hexDigest(canonicalJSON.utf8)
    }

    /// A float as JSON: Swift's shortest round-trip text, which is valid JSON for finite values
    /// (non-finite guidance is refused by `validate()`, but must still hash to something).
    private static func canonicalNumber(_ value: Float) -> String {
        value.isFinite ? "\(value)" : "\"\(value)\""
    }
}
