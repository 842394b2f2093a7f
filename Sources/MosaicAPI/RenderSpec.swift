/// A render as a client asks for it: the wire form of the engine's render parameters.
///
/// Enumerations travel as their names (`"dpmpp_2m"`, `"overlap"`) so the API does not depend on
/// the engine; the daemon validates them. Absent optional fields take the daemon's defaults.
public struct RenderSpec: Codable, Sendable, Equatable {
    /// The wire names: snake_case, spelled out (a key strategy costs every key of every decode).
    enum CodingKeys: String, CodingKey, CaseIterable {
        case prompt
        case negativePrompt = "negative_prompt"
        case model, width, height, steps, sampler, guidance, seed
        case tiling
        case tileSize = "tile_size"
        case tileOverlap = "tile_overlap"
        case tileWeighting = "tile_weighting"
        case lossless, quality
        case initImage = "init_image"
        case strength, stages, strengths, upscaler
    }

    /// The JSON field names, from `CodingKeys`: the daemon refuses any other field.
    public static var fieldNames: Set<String> { Set(CodingKeys.allCases.map(\.stringValue)) }

    public var prompt: String
    public var negativePrompt: String?
    public var model: String?
    public var width: Int?
    public var height: Int?
    public var steps: Int?
    public var sampler: String?
    public var guidance: Float?
    public var seed: UInt64?
    public var tiling: String?
    public var tileSize: Int?
    public var tileOverlap: Int?
    public var tileWeighting: String?
    /// Write lossless WebP.
    public var lossless: Bool?
    /// Lossy WebP quality, 0...100.
    public var quality: Float?
    /// The id of an uploaded image (`POST /v1/images`) to start from: image-to-image.
    public var initImage: Int64?
    /// How much of the init image is renoised, 0 < strength <= 1 (diffusers' `strength`).
    public var strength: Float?
    /// The sides (long edge, px) of a staged render, or `auto` / `none`.
    public var stages: StageRequest?
    /// The denoising strength of each stage (the first is the base render's).
    public var strengths: [Float]?
    /// How an image is enlarged between stages: `lanczos` or an upscaler model's name.
    public var upscaler: String?

    /// Creates a spec; only the prompt is required.
    public init(
        prompt: String, negativePrompt: String? = nil, model: String? = nil, width: Int? = nil, height: Int? = nil,
        steps: Int? = nil, sampler: String? = nil, guidance: Float? = nil, seed: UInt64? = nil,
        tiling: String? = nil, tileSize: Int? = nil, tileOverlap: Int? = nil, tileWeighting: String? = nil,
        lossless: Bool? = nil, quality: Float? = nil, initImage: Int64? = nil, strength: Float? = nil,
        stages: StageRequest? = nil, strengths: [Float]? = nil, upscaler: String? = nil
    ) {
        self.prompt = prompt
        self.negativePrompt = negativePrompt
        self.model = model
        self.width = width
        self.height = height
        self.steps = steps
        self.sampler = sampler
        self.guidance = guidance
        self.seed = seed
        self.tiling = tiling
        self.tileSize = tileSize
        self.tileOverlap = tileOverlap
        self.tileWeighting = tileWeighting
        self.lossless = lossless
        self.quality = quality
        self.initImage = initImage
        self.strength = strength
        self.stages = stages
        self.strengths = strengths
        self.upscaler = upscaler
    }
}
