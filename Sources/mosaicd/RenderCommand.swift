import ArgumentParser
import Foundation
import MosaicDiffusion
import MosaicImage
import MosaicRender

extension SamplerKind: ExpressibleByArgument {}
extension TilingMethod: ExpressibleByArgument {}
extension TileWeighting: ExpressibleByArgument {}

/// `mosaicd render`: a one-shot foreground render, no queue, no socket.
struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render one image in the foreground and write it as WebP.",
        discussion: """
            The latent canvas (width/8 x height/8) is covered with tiles; every step, each tile's \
            noise prediction is computed in parallel, the predictions are fused into one canvas \
            (the sync), and the sampler takes one step on the whole canvas. The same parameters give \
            byte-identical output for any --threads.

            The render's parameters are embedded in the WebP file's XMP metadata \
            (see: webpmux -get xmp FILE.webp).

            IMAGE-TO-IMAGE
            With --init-image FILE the render starts from that image, as diffusers' \
            StableDiffusionImg2ImgPipeline does: the model's encoder turns it into a latent \
            (sampled with the seed's generator), noise from the same generator is mixed in at \
            the noise level of step (steps - int(steps * strength)), and only the remaining \
            int(steps * strength) steps run. --strength 1 renoises to the schedule's \
            highest level, where little of the image survives; small strengths keep its \
            composition and details. An image of another size is resized to --width x --height \
            (Lanczos) first. The built-in model mosaic-field encodes colour only (8x8 block means).

            STAGED RENDERS
            --stages 512,1024,2048 renders the composition at the first size, then for each \
            further size enlarges the image (--upscaler: Lanczos, or an ESRGAN-family model from \
            --models' upscalers/ folder), encodes it and adds detail with image-to-image at that \
            stage's --strengths value, int(steps * strength) steps each. The last stage is the \
            image's long edge. --stages auto (the default for Stable Diffusion renders above \
            twice the model's native size: 512 px for SD 1.x, 768 for SD 2.x) doubles from the \
            native size with strengths 1, 0.5, 0.4, 0.3, 0.2. --dry-run prints the stages and \
            their UNet tile evaluations without rendering.

            EXAMPLES
              mosaicd render --prompt "misty ocean at dusk" \\
                --width 8192 --height 8192 --seed 7 -o ocean.webp
              mosaicd render --prompt "rocky desert" --lossless -o desert.webp
              mosaicd render --prompt "rocky desert at night" --init-image desert.webp \\
                --strength 0.5 --width 1024 --height 1024 -o night.webp
              mosaicd render --models ~/models --model sd15 --prompt "a lighthouse at dawn" \\
                --width 8192 --height 8192 --dry-run
              mosaicd seams ocean.webp
            """)

    /// The strength of image-to-image when --strength is not given: diffusers' default.
    static let defaultStrength: Float = 0.8

    @Option(help: "What to render. The built-in model maps keywords (palette, texture, scale, direction) to its prior.")
    var prompt: String

    @Option(help: "What to steer away from (the unconditional branch of guidance).")
    var negativePrompt: String = ""

    @Option(
        help: ArgumentHelp(
            "The model: a name (built in: mosaic-field; or one found under --models) or the path of a Stable Diffusion 1.x/2.x checkpoint.",
            discussion:
                "A path is a diffusers folder (model_index.json, unet/, vae/, text_encoder/, tokenizer/, scheduler/) or a single original-layout .safetensors file; the model's name is its folder or file name.",
            valueName: "name-or-path"))
    var model: String = MosaicField.modelName

    @Option(
        help: ArgumentHelp(
            "A directory of Stable Diffusion models (diffusers folders and .safetensors files), named by folder or file name.",
            valueName: "dir"))
    var models: String?

    @Option(help: "Image width in px: a multiple of 8 in 64...16376.")
    var width: Int = 1024

    @Option(help: "Image height in px: a multiple of 8 in 64...16376.")
    var height: Int = 1024

    @Option(help: "Denoising steps, 1...1000.")
    var steps: Int = 30

    @Option(help: "The sampler (diffusers' DDIM, Euler, Euler ancestral, DPM++ 2M, DPM++ 2M Karras).")
    var sampler: SamplerKind = .dpmpp2m

    @Option(help: "Classifier-free guidance scale, 0...50 (default: the model's, 2 for mosaic-field).")
    var guidance: Float?

    @Option(help: "Seed of the torch-compatible noise generator, 0...2^64-1 (default: random, printed).")
    var seed: UInt64?

    @Option(help: "Tiling: overlap (averaged, seamless), shifted (moving grid), none (pasted, for comparison).")
    var tiling: TilingMethod = .overlap

    @Option(help: "Tile side in latent px (1 latent px = 8 image px), 8...512.")
    var tileSize: Int = 64

    @Option(help: "Overlap between tiles in latent px (overlap tiling), 0...tile-size/2.")
    var tileOverlap: Int = 16

    @Option(help: "Weights of overlapping tiles: gaussian or uniform.")
    var tileWeighting: TileWeighting = .gaussian

    @Option(
        help: ArgumentHelp(
            "An image to start from (image-to-image): a PNG, JPEG or WebP file, resized to --width x --height (Lanczos).",
            discussion:
                "Alpha is dropped. The image's pixel digest becomes part of the render's parameters (and of its checkpoints' identity).",
            valueName: "file"))
    var initImage: String?

    @Option(
        help: ArgumentHelp(
            "How much of --init-image is renoised, in (0, 1] (default: 0.8 with --init-image, as diffusers): int(steps * strength) steps run.",
            valueName: "s"))
    var strength: Float?

    @Option(
        help: ArgumentHelp(
            "Staged render: auto, none, or the long edge of each stage in px, smallest first, the last the image's (512,1024,2048).",
            valueName: "sides"))
    var stages: String?

    @Option(
        help: ArgumentHelp(
            "The denoising strength of each stage, comma-separated, 0 < s <= 1 (auto: 1,0.5,0.4,0.3,0.2, then 0.2).",
            valueName: "strengths"))
    var strengths: String?

    @Option(help: "How images are enlarged between stages: lanczos or an upscaler model under --models' upscalers/.")
    var upscaler: String = RenderParameters.lanczosUpscaler

    @Flag(help: "Print the stages and their UNet tile evaluations, then stop (nothing is rendered).")
    var dryRun = false

    @Option(help: "Worker threads (default: all cores). The output does not depend on it.")
    var threads: Int?

    @Flag(help: "Write lossless WebP (larger; pixels exactly as rendered).")
    var lossless = false

    @Option(help: "Lossy WebP quality, 0...100 (default: 90).")
    var quality: Float?

    @Option(name: [.short, .long], help: "Where to write the WebP file.")
    var output: String

    @Flag(help: "Print a JSON summary on stdout instead of a sentence.")
    var json = false

    func run() throws {
        let initImageData = try initImage.map { path throws in try Self.readInitImage(path: path) }
        let (catalog, parameters) = try makeParameters(initImage: initImageData)
        let staged: StagedRender
        do { staged = try StagedRender(parameters: parameters) } catch { throw UsageError(message: error.description) }
        if dryRun {
            try printPlan(staged)
            return
        }
        let encoding = try makeEncoding()
        let outputURL = try checkedOutputURL()
        let threadCount = try checkedThreads()
        let threads = RenderThreads(count: threadCount)
        defer { threads.shutdown() }
        let upscaler: any StageUpscaler
        do { upscaler = try staged.upscaler(catalog: catalog) } catch { throw UsageError(message: error.description) }

        let started = Date()
        var (denoising, decoding) = (0.0, 0.0)
        var previous: RGBImage?
        for index in 0..<staged.count {
            let input = try staged.input(
                stage: index, previous: previous, initImage: initImageData, upscaler: upscaler, pool: threads.pool)
            let renderer: Renderer
            do {
                renderer = try Renderer(
                    parameters: staged.parameters(stage: index, input: input), catalog: catalog, pool: threads.pool,
                    initImage: input)
            } catch {
                switch error {
                case .invalidParameters, .unknownModel, .tilePlan: throw UsageError(message: error.description)
                default: throw error
                }
            }
            // Nothing shows a preview here: it would be a pass over the canvas every step for nothing.
            renderer.computesPreview = false
            let label = staged.count > 1 ? "stage \(index + 1)/\(staged.count)" : "render"
            let reporter = TerminalProgress(label: label)
            let stageStarted = Date()
            try renderer.run { reporter.report($0) }
            let denoised = Date()
            let image = try renderer.decodeImage(pool: threads.pool)
            denoising += denoised.timeIntervalSince(stageStarted)
            decoding += Date().timeIntervalSince(denoised)
            if index + 1 < staged.count {
                reporter.finish(
                    String(
                        format: "%@: %dx%d done in %.1f s", label, image.width, image.height,
                        Date().timeIntervalSince(stageStarted)))
                previous = image
                continue
            }
            let written = Date()
            try renderer.write(image, to: outputURL, encoding: encoding)
            let finished = Date()
            reporter.finish(
                String(
                    format: "render: seed %llu, done in %.1f s (denoise %.1f s, decode %.1f s, encode+write %.1f s)",
                    parameters.seed, finished.timeIntervalSince(started), denoising, decoding,
                    finished.timeIntervalSince(written)))
            if json {
                let summary: [String: Any] = [
                    "output": outputURL.path, "seed": parameters.seed, "width": parameters.width,
                    "height": parameters.height, "seconds": finished.timeIntervalSince(started), "stages": staged.count,
                ]
                let data = try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            } else {
                print(outputURL.path)
            }
        }
    }

    /// `--dry-run`: the stages, each one's steps and tile evaluations, against a direct render.
    func printPlan(_ staged: StagedRender) throws {
        var direct = staged.parameters
        direct.stages = []
        direct.strengths = []
        let directEvaluations: Int
        do { directEvaluations = try StagePlan(parameters: direct).tileEvaluations } catch {
            throw UsageError(message: error.description)
        }
        let plan = staged.plan
        if json {
            let stages: [[String: Any]] = plan.stages.map {
                [
                    "index": $0.index, "width": $0.width, "height": $0.height,
                    "strength": Double(String(describing: $0.strength)) ?? Double($0.strength),
                    "steps": $0.steps, "tile_evaluations": $0.tileEvaluations,
                ]
            }
            let summary: [String: Any] = [
                "stages": stages, "tile_evaluations": plan.tileEvaluations,
                "direct_tile_evaluations": directEvaluations,
            ]
            let data = try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        for stage in plan.stages {
            print(
                String(
                    format: "stage %d/%d: %dx%d, strength %.2f, %d steps, %d tile evaluations", stage.index + 1,
                    plan.stages.count, stage.width, stage.height, stage.strength, stage.steps, stage.tileEvaluations))
        }
        print(
            "total: \(plan.tileEvaluations) tile evaluations (a direct render: \(directEvaluations)); "
                + "mosaicctl plan adds the time at the daemon's measured rate")
    }

    /// Reads the init image file: the one place that knows the file formats.
    static func readInitImage(path: String) throws -> RGBImage {
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw UsageError(message: "cannot read init image \(path): \(error.localizedDescription)")
        }
        do {
            return try ImageDecoder().decode(bytes).image
        } catch {
            throw UsageError(message: "cannot decode init image \(path): \(error)")
        }
    }

    func makeParameters(initImage image: RGBImage? = nil) throws -> (ModelCatalog, RenderParameters) {
        let (found, problems) = ModelCatalog.discover(directory: models)
        for problem in problems { FileHandle.standardError.write(Data("render: \(problem)\n".utf8)) }
        let catalog: ModelCatalog
        let name: String
        do { (catalog, name) = try found.adding(modelAt: model) } catch {
            throw UsageError(message: "cannot open model \(model): \(error)")
        }
        var parameters = RenderParameters(
            prompt: prompt, negativePrompt: negativePrompt, model: name, width: width, height: height,
            steps: steps, sampler: sampler, guidanceScale: guidance,
            seed: seed ?? UInt64.random(in: 0...UInt64.max), tiling: tiling, tileSize: tileSize,
            tileOverlap: tileOverlap, tileWeighting: tileWeighting, initImage: image.map(ImageDigest.hex(of:)),
            strength: strength ?? (image == nil ? 1 : Self.defaultStrength))
        if strength != nil, image == nil { throw UsageError(message: "--strength needs --init-image") }
        let chosen: any DiffusionModel
        do { chosen = try catalog.model(named: name) } catch { throw UsageError(message: error.description) }
        try resolveStages(&parameters, native: chosen.nativeImageSide)
        do { try parameters.validate() } catch { throw UsageError(message: error.description) }
        return (catalog, parameters)
    }

    /// `--stages`, `--strengths` and `--upscaler` into `parameters`: `auto` (the default above
    /// twice the model's native size) doubles from the native size, as the daemon does.
    func resolveStages(_ parameters: inout RenderParameters, native: Int?) throws {
        let longEdge = max(width, height)
        let request = stages ?? (StagePlan.stagesByDefault(longEdge: longEdge, native: native) ? "auto" : "none")
        switch request {
        case "none": parameters.stages = []
        case "auto": parameters.stages = native.map { StagePlan.autoSides(longEdge: longEdge, native: $0) } ?? []
        default:
            let parts = request.split(separator: ",", omittingEmptySubsequences: false)
            let sides = parts.compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard sides.count == parts.count else {
                throw UsageError(
                    message: "--stages must be auto, none or sides in px separated by commas, e.g. 512,1024,2048")
            }
            parameters.stages = sides
        }
        guard !parameters.stages.isEmpty else {
            if strengths != nil { throw UsageError(message: "--strengths needs stages (--stages)") }
            return
        }
        if let strengths {
            let parts = strengths.split(separator: ",", omittingEmptySubsequences: false)
            let values = parts.compactMap { Float($0.trimmingCharacters(in: .whitespaces)) }
            guard values.count == parts.count else {
                throw UsageError(message: "--strengths must be numbers separated by commas, e.g. 1,0.5,0.3")
            }
            parameters.strengths = values
        } else {
            parameters.strengths = StagePlan.autoStrengths(
                count: parameters.stages.count, base: parameters.initImage == nil ? 1 : parameters.strength)
        }
        parameters.upscaler = upscaler
    }

    func makeEncoding() throws -> OutputEncoding {
        if lossless {
            guard quality == nil else { throw UsageError(message: "--lossless and --quality exclude each other") }
            return .lossless
        }
        let q = quality ?? 90
        guard q.isFinite, (0...100).contains(q) else {
            throw UsageError(message: "invalid quality: \(q) is outside 0...100")
        }
        return .lossy(quality: q)
    }

    func checkedThreads() throws -> Int {
        let count = threads ?? ProcessInfo.processInfo.activeProcessorCount
        guard (1...1024).contains(count) else {
            throw UsageError(message: "invalid threads: \(count) is outside 1...1024")
        }
        return count
    }

    /// The output must be a file in an existing, writable directory; nothing is written yet.
    func checkedOutputURL() throws -> URL {
        let url = URL(fileURLWithPath: output).standardizedFileURL
        let directory = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw UsageError(message: "output \(url.path) is a directory")
        }
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw UsageError(message: "output directory \(directory) does not exist")
        }
        guard access(directory, W_OK) == 0 else {
            throw UsageError(message: "output directory \(directory) is not writable")
        }
        return url
    }
}
