import Foundation
import MosaicCheckpoint
import MosaicDiffusion

/// The render parameters as embedded in a WebP's XMP, so a file tells how it was made.
public struct RenderMetadata: Codable, Equatable, Sendable {
    public var prompt: String
    public var negativePrompt: String
    public var model: String
    public var width: Int
    public var height: Int
    public var steps: Int
    public var sampler: String
    public var guidance: Float
    public var seed: UInt64
    public var tiling: String
    public var tileSize: Int
    public var tileStride: Int
    public var tileOverlap: Int
    public var tileWeighting: String
    /// Image-to-image: the init image's ``ImageDigest``; absent for renders from noise.
    public var initImage: String?
    /// Image-to-image: the strength; absent for renders from noise.
    public var strength: Float?
    public var mosaicVersion: String

    enum CodingKeys: String, CodingKey {
        case prompt, model, width, height, steps, sampler, guidance, seed, tiling
        case negativePrompt = "negative_prompt"
        case tileSize = "tile_size"
        case tileStride = "tile_stride"
        case tileOverlap = "tile_overlap"
        case tileWeighting = "tile_weighting"
        case initImage = "init_image"
        case strength
        case mosaicVersion = "mosaic_version"
    }

    /// The metadata of a render with `parameters` on `model` (tile sizes in latent pixels).
    public init(parameters p: RenderParameters, guidance: Float, plan: TilePlan) {
        prompt = p.prompt
        negativePrompt = p.negativePrompt
        model = p.model
        width = p.width
        height = p.height
        steps = p.steps
        sampler = p.sampler.rawValue
        self.guidance = guidance
        seed = p.seed
        tiling = p.tiling.rawValue
        tileSize = p.tileSize
        tileStride = plan.stride
        tileOverlap = plan.overlap
        tileWeighting = p.tileWeighting.rawValue
        initImage = p.initImage
        strength = p.initImage == nil ? nil : p.strength
        mosaicVersion = MosaicVersion.current
    }

    /// Compact JSON with sorted keys.
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self), let text = String(data: data, encoding: .utf8) else { return "{}" }
        return text
    }

    /// Parses metadata written by `json()`.
    public static func parse(_ json: String) throws -> RenderMetadata {
        try JSONDecoder().decode(RenderMetadata.self, from: Data(json.utf8))
    }
}
