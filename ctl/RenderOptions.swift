import ArgumentParser
import Foundation
import MosaicAPI

/// The render options of `mosaicd render`, same names and meanings, for `mosaicctl submit`.
///
/// Unset options stay unset: the daemon fills in its defaults (the help shows the built-in ones)
/// and validates every value, so the names of samplers and tilings are not repeated here.
struct RenderOptions: ParsableArguments {
    @Option(help: "What to steer away from (the unconditional branch of guidance).")
    var negativePrompt: String?

    @Option(help: "The model name (default: mosaic-field; see mosaicctl models).")
    var model: String?

    @Option(help: "Image width in px: a multiple of 8 in 64...16376 (default: 1024).")
    var width: Int?

    @Option(help: "Image height in px: a multiple of 8 in 64...16376 (default: 1024).")
    var height: Int?

    @Option(help: "Denoising steps, 1...1000 (default: 30).")
    var steps: Int?

    @Option(
        help: "The sampler: ddim, euler, euler_a, dpmpp_2m (default) or dpmpp_2m_karras.",
        completion: .list(["ddim", "euler", "euler_a", "dpmpp_2m", "dpmpp_2m_karras"]))
    var sampler: String?

    @Option(help: "Classifier-free guidance scale, 0...50 (default: the model's, 2 for mosaic-field).")
    var guidance: Float?

    @Option(help: "Seed of the torch-compatible noise generator, 0...2^64-1 (default: random, fixed at submission).")
    var seed: UInt64?

    @Option(
        help: "Tiling: overlap (default; averaged, seamless), shifted (moving grid), none (pasted).",
        completion: .list(["overlap", "shifted", "none"]))
    var tiling: String?

    @Option(help: "Tile side in latent px (1 latent px = 8 image px), 8...512 (default: 64).")
    var tileSize: Int?

    @Option(help: "Overlap between tiles in latent px (overlap tiling), 0...tile-size/2 (default: 16).")
    var tileOverlap: Int?

    @Option(
        help: "Weights of overlapping tiles: gaussian (default) or uniform.",
        completion: .list(["gaussian", "uniform"]))
    var tileWeighting: String?

    @Flag(help: "Write lossless WebP (larger; pixels exactly as rendered).")
    var lossless = false

    @Option(help: "Lossy WebP quality, 0...100 (default: 90).")
    var quality: Float?

    @Option(
        help: ArgumentHelp(
            "Staged render: auto, none, or the long edge of each stage in px, smallest first, the last the image's (512,1024,2048).",
            discussion:
                "Each stage after the first upscales the previous image and adds detail with image-to-image at its strength. Default: auto for Stable Diffusion renders above twice the model's native size, none otherwise.",
            valueName: "sides"))
    var stages: String?

    @Option(
        help: ArgumentHelp(
            "The denoising strength of each stage, comma-separated, 0 < s <= 1 (auto: 1,0.5,0.4,0.3,0.2, then 0.2).",
            valueName: "strengths"))
    var strengths: String?

    @Option(
        help:
            "How images are enlarged between stages: lanczos (default) or an upscaler model's name (see mosaicctl models)."
    )
    var upscaler: String?

    func validate() throws {
        if let stages, StageRequest(stages) == nil {
            throw ValidationError("--stages must be auto, none or sides in px separated by commas, e.g. 512,1024,2048")
        }
        if let strengths, Self.numbers(strengths) == nil {
            throw ValidationError("--strengths must be numbers separated by commas, e.g. 1,0.5,0.3")
        }
        // The same rules as mosaicd render's for the flags themselves; values are the daemon's to judge.
        if lossless, quality != nil { throw ValidationError("--lossless and --quality exclude each other") }
        if let guidance, !guidance.isFinite { throw ValidationError("--guidance must be a finite number") }
        if let quality, !quality.isFinite { throw ValidationError("--quality must be a finite number") }
    }

    /// The wire form of these options for `prompt`.
    func spec(prompt: String) -> RenderSpec {
        RenderSpec(
            prompt: prompt, negativePrompt: negativePrompt, model: model, width: width, height: height, steps: steps,
            sampler: sampler, guidance: guidance, seed: seed, tiling: tiling, tileSize: tileSize,
            tileOverlap: tileOverlap, tileWeighting: tileWeighting, lossless: lossless ? true : nil, quality: quality,
            stages: stages.flatMap(StageRequest.init), strengths: strengths.flatMap(Self.numbers), upscaler: upscaler)
    }

    /// `1,0.5,0.4` as numbers; nil when one is not a finite number.
    static func numbers(_ text: String) -> [Float]? {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        let values = parts.compactMap { Float($0.trimmingCharacters(in: .whitespaces)) }.filter(\.isFinite)
        return values.count == parts.count && !values.isEmpty ? values : nil
    }
}
