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
            composition and details. The image must have the render's --width and --height (resize it first). \
            The built-in model mosaic-field encodes colour only (8x8 block means).

            EXAMPLES
              mosaicd render --prompt "misty ocean at dusk" \\
                --width 8192 --height 8192 --seed 7 -o ocean.webp
              mosaicd render --prompt "rocky desert" --lossless -o desert.webp
              mosaicd render --prompt "rocky desert at night" --init-image desert.webp \\
                --strength 0.5 --width 1024 --height 1024 -o night.webp
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
            "An image to start from (image-to-image): a WebP file of exactly --width x --height px.",
            discussion:
                "Alpha is dropped. The image's pixel digest becomes part of the render's parameters (and of its checkpoints' identity).",
            valueName: "file"))
    var initImage: String?

    @Option(
        help: ArgumentHelp(
            "How much of --init-image is renoised, in (0, 1] (default: 0.8 with --init-image, as diffusers): int(steps * strength) steps run.",
            valueName: "s"))
    var strength: Float?

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
        let encoding = try makeEncoding()
        let outputURL = try checkedOutputURL()
        let threadCount = try checkedThreads()
        let threads = RenderThreads(count: threadCount)
        defer { threads.shutdown() }

        let renderer: Renderer
        do {
            renderer = try Renderer(
                parameters: parameters, catalog: catalog, pool: threads.pool, initImage: initImageData)
        } catch {
            switch error {
            case .invalidParameters, .unknownModel, .tilePlan: throw UsageError(message: error.description)
            default: throw error
            }
        }
        // Nothing shows a preview here: it would be a pass over the canvas every step for nothing.
        renderer.computesPreview = false
        let reporter = TerminalProgress(label: "render")
        let started = Date()
        try renderer.run { reporter.report($0) }
        let denoised = Date()
        let image = try renderer.decodeImage(pool: threads.pool)
        let decoded = Date()
        try renderer.write(image, to: outputURL, encoding: encoding)
        let finished = Date()
        reporter.finish(
            String(
                format: "render: seed %llu, done in %.1f s (denoise %.1f s, decode %.1f s, encode+write %.1f s)",
                parameters.seed, finished.timeIntervalSince(started), denoised.timeIntervalSince(started),
                decoded.timeIntervalSince(denoised), finished.timeIntervalSince(decoded)))
        if json {
            let summary: [String: Any] = [
                "output": outputURL.path, "seed": parameters.seed, "width": parameters.width,
                "height": parameters.height, "seconds": finished.timeIntervalSince(started),
            ]
            let data = try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(outputURL.path)
        }
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
            return try WebPDecoder.decode(bytes)
        } catch {
            throw UsageError(message: "cannot decode init image \(path) (a WebP file is expected): \(error)")
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
        let parameters = RenderParameters(
            prompt: prompt, negativePrompt: negativePrompt, model: name, width: width, height: height,
            steps: steps, sampler: sampler, guidanceScale: guidance,
            seed: seed ?? UInt64.random(in: 0...UInt64.max), tiling: tiling, tileSize: tileSize,
            tileOverlap: tileOverlap, tileWeighting: tileWeighting, initImage: image.map(ImageDigest.hex(of:)),
            strength: strength ?? (image == nil ? 1 : Self.defaultStrength))
        if strength != nil, image == nil { throw UsageError(message: "--strength needs --init-image") }
        if let image, image.width != width || image.height != height {
            throw UsageError(
                message:
                    "the init image is \(image.width)x\(image.height) px, the render \(width)x\(height) px: resize it to the render's size first"
            )
        }
        do { try parameters.validate() } catch { throw UsageError(message: error.description) }
        do { _ = try catalog.model(named: name) } catch { throw UsageError(message: error.description) }
        return (catalog, parameters)
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
