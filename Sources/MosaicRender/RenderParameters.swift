import MosaicDiffusion

/// Everything that determines a render's pixels: the same parameters give the same bytes.
public struct RenderParameters: Sendable, Codable, Equatable {
    /// What to render.
    public var prompt: String
    /// What to steer away from (the unconditional branch of guidance).
    public var negativePrompt: String
    /// The model's name (`mosaic-field` is built in).
    public var model: String
    /// The image width in pixels (a multiple of 8).
    public var width: Int
    /// The image height in pixels (a multiple of 8).
    public var height: Int
    /// The number of denoising steps.
    public var steps: Int
    /// The sampler.
    public var sampler: SamplerKind
    /// The classifier-free guidance scale; nil uses the model's default.
    public var guidanceScale: Float?
    /// The seed of the noise generator (torch-compatible).
    public var seed: UInt64
    /// How the canvas is tiled and the tiles synchronised.
    public var tiling: TilingMethod
    /// The tile side in latent pixels.
    public var tileSize: Int
    /// The overlap between tiles in latent pixels (`overlap` tiling).
    public var tileOverlap: Int
    /// How overlapping tiles are weighted.
    public var tileWeighting: TileWeighting
    /// The SHA-256 of the init image's pixels (``ImageDigest``) for image-to-image; nil renders from noise.
    public var initImage: String?
    /// How much of the init image is renoised (0 < strength <= 1): `int(steps * strength)` steps run.
    public var strength: Float
    /// The long-edge sides of a staged render, smallest first, the last the job's; empty renders directly.
    public var stages: [Int]
    /// The strength of each stage (the first one applies to the base render).
    public var strengths: [Float]
    /// How images are enlarged between stages: ``lanczosUpscaler`` or an upscaler model's name.
    public var upscaler: String

    /// The smallest and largest supported image side in pixels.
    public static let sideRange = 64...16376
    /// The supported number of steps.
    public static let stepRange = 1...1000
    /// The upscaler that needs no model: Lanczos resampling in pixel space.
    public static let lanczosUpscaler = "lanczos"

    /// Creates parameters; the defaults suit the built-in model.
    public init(
        prompt: String, negativePrompt: String = "", model: String = MosaicField.modelName,
        width: Int = 1024, height: Int = 1024, steps: Int = 30, sampler: SamplerKind = .dpmpp2m,
        guidanceScale: Float? = nil, seed: UInt64 = 0, tiling: TilingMethod = .overlap,
        tileSize: Int = 64, tileOverlap: Int = 16, tileWeighting: TileWeighting = .gaussian,
        initImage: String? = nil, strength: Float = 1, stages: [Int] = [], strengths: [Float] = [],
        upscaler: String = Self.lanczosUpscaler
    ) {
        self.prompt = prompt
        self.negativePrompt = negativePrompt
        self.model = model
        self.width = width
        self.height = height
        self.steps = steps
        self.sampler = sampler
        self.guidanceScale = guidanceScale
        self.seed = seed
        self.tiling = tiling
        self.tileSize = tileSize
        self.tileOverlap = tileOverlap
        self.tileWeighting = tileWeighting
        self.initImage = initImage
        self.strength = strength
        self.stages = stages
        self.strengths = strengths
        self.upscaler = upscaler
    }

    /// Checks every field, naming the first one that is out of range.
    public func validate() throws(RenderParameterError) {
        for (name, side) in [("width", width), ("height", height)] {
            guard side <= 16383 else {
                throw .invalid(
                    field: name,
                    reason:
                        "\(side) px exceeds WebP's limit of 16383 px per side (the largest supported side is \(Self.sideRange.upperBound))"
                )
            }
            guard side % 8 == 0 else { throw .invalid(field: name, reason: "\(side) is not a multiple of 8") }
            guard Self.sideRange.contains(side) else {
                throw .invalid(
                    field: name,
                    reason: "\(side) px is outside \(Self.sideRange.lowerBound)...\(Self.sideRange.upperBound)")
            }
        }
        guard Self.stepRange.contains(steps) else {
            throw .invalid(
                field: "steps",
                reason: "\(steps) is outside \(Self.stepRange.lowerBound)...\(Self.stepRange.upperBound)")
        }
        if let g = guidanceScale, !(g.isFinite && (0...50).contains(g)) {
            throw .invalid(field: "guidance", reason: "\(g) is outside 0...50")
        }
        guard (8...512).contains(tileSize) else {
            throw .invalid(field: "tile-size", reason: "\(tileSize) latent px is outside 8...512")
        }
        if tiling == .overlap {
            guard tileOverlap >= 0, tileOverlap <= tileSize / 2 else {
                throw .invalid(
                    field: "tile-overlap",
                    reason: "\(tileOverlap) latent px is outside 0...\(tileSize / 2) (half the tile)")
            }
        }
        guard prompt.utf8.count <= 4096 else { throw .invalid(field: "prompt", reason: "longer than 4096 bytes") }
        guard negativePrompt.utf8.count <= 4096 else {
            throw .invalid(field: "negative-prompt", reason: "longer than 4096 bytes")
        }
        try validateImageInputs()
    }

    /// Checks the init image's strength and the stages.
    func validateImageInputs() throws(RenderParameterError) {
        guard strength.isFinite, strength > 0, strength <= 1 else {
            throw .invalid(field: "strength", reason: "\(strength) is outside (0, 1]")
        }
        if initImage == nil, strength != 1, stages.isEmpty {
            throw .invalid(field: "strength", reason: "a strength below 1 needs an init image")
        }
        guard !stages.isEmpty else { return }
        let longEdge = max(width, height)
        guard stages.count >= 2 else {
            throw .invalid(field: "stages", reason: "a staged render needs at least two stages")
        }
        guard zip(stages, stages.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw .invalid(field: "stages", reason: "\(stages) must increase")
        }
        guard stages.last == longEdge else {
            throw .invalid(
                field: "stages", reason: "the last stage (\(stages.last ?? 0) px) must be the long edge, \(longEdge) px"
            )
        }
        guard let first = stages.first, first >= 64, first % 8 == 0 else {
            throw .invalid(field: "stages", reason: "the first stage must be at least 64 px and a multiple of 8")
        }
        guard strengths.count == stages.count else {
            throw .invalid(
                field: "strengths", reason: "\(strengths.count) strengths for \(stages.count) stages (one per stage)")
        }
        for value in strengths where !(value.isFinite && value > 0 && value <= 1) {
            throw .invalid(field: "strengths", reason: "\(value) is outside (0, 1]")
        }
        if initImage == nil, strengths.first != 1 {
            throw .invalid(field: "strengths", reason: "the base stage renders from noise: its strength must be 1")
        }
        guard !upscaler.isEmpty else { throw .invalid(field: "upscaler", reason: "empty name") }
    }

    /// Checks that the sampler can take ``steps`` steps: DDIM and DPM++ 2M cannot take every
    /// count (1000, for one), and a queue would rather refuse such a job than fail it later.
    public func validateSamplerSteps() throws(SamplerError) {
        _ = try sampler.makeSampler(steps: steps, config: NoiseScheduleConfig())
    }

    /// The latent canvas width (image width / 8).
    public var latentWidth: Int { width / 8 }
    /// The latent canvas height (image height / 8).
    public var latentHeight: Int { height / 8 }
}

/// A render parameter that is out of range.
public enum RenderParameterError: Error, Equatable, CustomStringConvertible {
    /// `field` is invalid for `reason`.
    case invalid(field: String, reason: String)

    public var description: String {
        switch self {
        case .invalid(let field, let reason): return "invalid \(field): \(reason)"
        }
    }
}
