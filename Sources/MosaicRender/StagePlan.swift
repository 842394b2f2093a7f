import MosaicDiffusion

/// One stage of a staged render: its size, its strength and what it costs.
public struct RenderStage: Sendable, Equatable {
    /// 0 for the base render.
    public let index: Int
    /// Image width in px.
    public let width: Int
    /// Image height in px.
    public let height: Int
    /// The denoising strength (1 renders from noise).
    public let strength: Float
    /// Steps run: `int(steps * strength)`, A1111's counting (at least one).
    public let steps: Int
    /// UNet tile evaluations over the stage's steps.
    public let tileEvaluations: Int
}

/// The stages of a render: a base render at the first size, then for each further size an
/// upscale, an encode, image-to-image at the stage's strength and a decode. A direct render is
/// one stage.
public struct StagePlan: Sendable, Equatable {
    /// The stages, base first.
    public let stages: [RenderStage]

    /// The strengths `--stages auto` uses, by stage; stages beyond the last take the last.
    public static let defaultStrengths: [Float] = [1, 0.5, 0.4, 0.3, 0.2]

    /// Whether a render of `longEdge` px with a model trained at `native` px is staged when the
    /// job does not say: above twice the native size (a direct render repeats its subject per tile).
    public static func stagesByDefault(longEdge: Int, native: Int?) -> Bool {
        guard let native else { return false }
        return longEdge > 2 * native
    }

    /// Doublings from `native` up to `longEdge` (the last replaced by `longEdge`), or none when
    /// `longEdge` is not above `native`.
    public static func autoSides(longEdge: Int, native: Int) -> [Int] {
        guard native >= 64, longEdge > native else { return [] }
        var sides = [native]
        while sides[sides.count - 1] * 2 < longEdge { sides.append(sides[sides.count - 1] * 2) }
        sides.append(longEdge)
        return sides
    }

    /// The default strengths of `count` stages; `base` is the first stage's (1 from noise).
    public static func autoStrengths(count: Int, base: Float = 1) -> [Float] {
        (0..<count).map { $0 == 0 ? base : defaultStrengths[min($0, defaultStrengths.count - 1)] }
    }

    /// The image size of a stage whose long edge is `side`, keeping the job's aspect ratio:
    /// the short edge scaled and rounded to a multiple of 8 (at least 64).
    public static func size(side: Int, width: Int, height: Int) -> (width: Int, height: Int) {
        let longEdge = max(width, height)
        guard side != longEdge else { return (width, height) }
        let short = min(width, height)
        let scaled = max(64, Int((Double(short) * Double(side) / Double(longEdge) / 8).rounded()) * 8)
        return width >= height ? (side, scaled) : (scaled, side)
    }

    /// The plan of `parameters` (one stage when it has no stages), counting tiles with its tiling.
    public init(parameters: RenderParameters) throws(TilePlanError) {
        let sides = parameters.stages.isEmpty ? [max(parameters.width, parameters.height)] : parameters.stages
        let strengths = parameters.stages.isEmpty ? [parameters.strength] : parameters.strengths
        var stages: [RenderStage] = []
        for (index, side) in sides.enumerated() {
            let size = Self.size(side: side, width: parameters.width, height: parameters.height)
            let strength = strengths[min(index, strengths.count - 1)]
            let steps = Self.stepsRun(steps: parameters.steps, strength: strength)
            let plan = try TilePlan(
                method: parameters.tiling, canvasWidth: size.width / 8, canvasHeight: size.height / 8,
                tileSize: parameters.tileSize, overlap: parameters.tileOverlap, seed: parameters.seed)
            let first = parameters.steps - steps
            let evaluations = (first..<parameters.steps).reduce(0) { $0 + plan.tiles(step: $1).count }
            stages.append(
                RenderStage(
                    index: index, width: size.width, height: size.height, strength: strength, steps: steps,
                    tileEvaluations: evaluations))
        }
        self.stages = stages
    }

    /// `int(steps * strength)` as diffusers' image-to-image computes it, at least 1.
    ///
    /// Python multiplies the double nearest the strength's decimal text: `int(10 * 0.7)` is 7,
    /// while the widened `Float` 0.7 (0.69999998...) would give 6.
    public static func stepsRun(steps: Int, strength: Float) -> Int {
        let decimal = Double(String(describing: strength)) ?? Double(strength)
        return max(1, min(steps, Int(Double(steps) * decimal)))
    }

    /// Tile evaluations over every stage.
    public var tileEvaluations: Int { stages.reduce(0) { $0 + $1.tileEvaluations } }
}
