import MosaicCheckpoint
import MosaicDiffusion
import MosaicImage
import MosaicTensor

/// Enlarges one stage's image to the next stage's size.
public protocol StageUpscaler: Sendable {
    /// `image` resampled to `width x height`.
    func upscale(_ image: RGBImage, width: Int, height: Int, pool: WorkerPool) throws -> RGBImage
}

/// A render in stages (``StagePlan``): a base render at the first size, then for each further
/// size the previous image enlarged in pixel space, encoded, renoised to the stage's strength
/// and denoised, then decoded. Each stage is one ``Renderer`` (image-to-image after the first),
/// so it checkpoints and resumes as any render does; what links two stages is the previous
/// stage's image, which a caller keeps (the daemon writes it as lossless WebP).
///
/// The same job gives the same bytes however it is run: `mosaicd render` runs the stages one
/// after another in memory, the daemon across restarts.
public struct StagedRender: Sendable {
    /// The job's parameters (the last stage's size, the stages and their strengths).
    public let parameters: RenderParameters
    /// The stages.
    public let plan: StagePlan

    /// The stages of `parameters`; a render without stages is one stage.
    public init(parameters: RenderParameters) throws(RenderError) {
        do { try parameters.validate() } catch { throw .invalidParameters(error) }
        self.parameters = parameters
        do { plan = try StagePlan(parameters: parameters) } catch { throw .tilePlan(error) }
    }

    /// How many stages there are.
    public var count: Int { plan.stages.count }

    /// The image stage `index` starts from: the job's init image for the base stage (nil for a
    /// render from noise), else the previous stage's image, resampled to the stage's size by
    /// `upscaler` (an image already of that size is used as it is).
    public func input(
        stage index: Int, previous: RGBImage?, initImage: RGBImage?, upscaler: any StageUpscaler, pool: WorkerPool
    ) throws(RenderError) -> RGBImage? {
        let stage = plan.stages[index]
        guard let source = index == 0 ? initImage : previous else {
            if index == 0 { return nil }
            throw .stageImage("stage \(index + 1) has no image from stage \(index)")
        }
        if source.width == stage.width, source.height == stage.height { return source }
        do {
            return try upscaler.upscale(source, width: stage.width, height: stage.height, pool: pool)
        } catch {
            throw .stageImage("cannot resample the image of stage \(index) to \(stage.width)x\(stage.height): \(error)")
        }
    }

    /// Stage `index` ready to render: its input read from files (the previous stage's kept
    /// image, the job's init image; both WebP) and resampled, and its parameters.
    public func prepare(
        stage index: Int, previousImageAt previousPath: String?, initImageAt initPath: String?,
        upscaler: any StageUpscaler, pool: WorkerPool
    ) throws(RenderError) -> PreparedStage {
        func read(_ path: String?, _ what: String) throws(RenderError) -> RGBImage? {
            guard let path else { return nil }
            do { return try WebPDecoder.decode(try BinaryFile.contents(of: path)) } catch {
                throw .stageImage("cannot read the \(what) \(path): \(error)")
            }
        }
        let image = try input(
            stage: index, previous: index > 0 ? try read(previousPath, "image of stage \(index)") : nil,
            initImage: index == 0 ? try read(initPath, "init image") : nil, upscaler: upscaler, pool: pool)
        return PreparedStage(index: index, parameters: parameters(stage: index, input: image), input: image)
    }

    /// The render parameters of stage `index` with `input` as its init image (nil: from noise).
    public func parameters(stage index: Int, input: RGBImage?) -> RenderParameters {
        let stage = plan.stages[index]
        var stageParameters = parameters
        stageParameters.width = stage.width
        stageParameters.height = stage.height
        stageParameters.stages = []
        stageParameters.strengths = []
        stageParameters.upscaler = RenderParameters.lanczosUpscaler
        stageParameters.initImage = input.map(ImageDigest.hex(of:))
        stageParameters.strength = input == nil ? 1 : stage.strength
        return stageParameters
    }
}

/// One stage with its input in hand: its parameters (whose hash names its checkpoints) and the
/// renderer it starts.
public struct PreparedStage: Sendable {
    /// The stage, from 0.
    public let index: Int
    /// The stage's render parameters.
    public let parameters: RenderParameters
    /// The init image (nil for a render from noise).
    let input: RGBImage?

    /// The stage's renderer, from its input or continuing from `state` (a checkpoint).
    public func renderer(catalog: ModelCatalog, pool: WorkerPool, state: RenderState?) throws(RenderError) -> Renderer {
        try Renderer(
            parameters: parameters, catalog: catalog, pool: pool, state: state, initImage: state == nil ? input : nil)
    }
}
