import Foundation
import MosaicCheckpoint
import MosaicDiffusion
import MosaicImage
import MosaicTensor
import Synchronization

/// Runs one render: whole-canvas noise, then per step tiles -> model -> sync -> one sampler step.
///
/// The loop mirrors diffusers' `StableDiffusionPipeline` except that the model sees tiles: the
/// initial noise is drawn for the whole canvas from the torch-compatible generator, every tile's
/// noise prediction is computed independently (in parallel), the sync fuses them into one
/// canvas-sized prediction, and the sampler steps the whole canvas once. Tile outputs depend only
/// on their inputs and the fusion sums in plan order, so the result is the same for any number
/// of threads.
///
/// With an init image it starts as diffusers' `StableDiffusionImg2ImgPipeline`: the image's
/// latent sampled from the encoder with the seed's generator, noise drawn next from the same
/// generator, the sampler's `add_noise` at ``firstStep``, and the steps from there on.
public final class Renderer {
    /// The render's parameters.
    public let parameters: RenderParameters
    /// The model.
    public let model: any DiffusionModel
    /// The tile plan.
    public let plan: TilePlan
    /// The state after the last completed step.
    public internal(set) var state: RenderState
    /// The model's prediction of the final latent, box-averaged (for previews), as of the last
    /// step that computed one (see `computesPreview`).
    public internal(set) var preview: PreviewLatent?
    /// Whether the next step computes `preview`, a pass over the whole canvas; the output is the
    /// same either way. The daemon asks for one only when it will publish it (once a second).
    public var computesPreview = true
    /// Set it to stop the render before its next tile evaluation.
    public let cancellation = CancellationFlag()

    var sampler: any Sampler
    /// Scratch of `step`, kept from one step to the next: every tile's model output, and their
    /// fusion. A fresh canvas-sized array each step would be zeroed, and faulted in page by page
    /// by the kernel, on the render thread while the workers wait.
    var tileOutputs: [Float] = []
    var fusedOutput: [Float] = []
    let denoiser: any TileDenoiser
    let fusion: TileFusion
    let pool: WorkerPool

    /// Prepares a render from its first step, drawing the initial noise (and encoding
    /// `initImage` for image-to-image).
    public convenience init(
        parameters: RenderParameters, catalog: ModelCatalog = .builtIn, pool: WorkerPool, initImage: RGBImage? = nil
    ) throws(RenderError) {
        try self.init(parameters: parameters, catalog: catalog, pool: pool, state: nil, initImage: initImage)
    }

    /// Prepares a render, continuing from `state` when given (a checkpoint), else from its
    /// first step.
    ///
    /// - Parameter initImage: the init image of image-to-image, at the render's size, whose
    ///   ``ImageDigest`` is `parameters.initImage`; needed unless `state` is given (a resumed
    ///   render's latent already holds it), checked whenever given.
    public init(
        parameters: RenderParameters, catalog: ModelCatalog, pool: WorkerPool, state: RenderState?,
        initImage: RGBImage? = nil
    ) throws(RenderError) {
        do { try parameters.validate() } catch { throw .invalidParameters(error) }
        let model = try catalog.model(named: parameters.model)
        self.parameters = parameters
        self.model = model
        self.pool = pool
        do {
            plan = try TilePlan(
                method: parameters.tiling, canvasWidth: parameters.latentWidth, canvasHeight: parameters.latentHeight,
                tileSize: parameters.tileSize, overlap: parameters.tileOverlap, seed: parameters.seed)
        } catch { throw .tilePlan(error) }
        do {
            sampler = try parameters.sampler.makeSampler(steps: parameters.steps, config: model.scheduleConfig)
        } catch { throw .sampler(String(describing: error)) }
        do {
            denoiser = try model.makeDenoiser(
                prompt: parameters.prompt, negativePrompt: parameters.negativePrompt,
                guidanceScale: parameters.guidanceScale ?? model.defaultGuidanceScale)
        } catch { throw .model(tile: TileRect(x: 0, y: 0, width: 0, height: 0), step: 0, message: "\(error)") }
        fusion = TileFusion(weighting: parameters.tileWeighting)
        if let initImage { try Self.check(initImage, against: parameters) }
        if let state {
            self.state = state
            sampler.history = state.samplerHistory
        } else if parameters.initImage != nil {
            guard let initImage else {
                throw .initImage("the parameters name an init image and none was given")
            }
            self.state = try Self.imageToImageStart(
                image: initImage, parameters: parameters, model: model, sampler: &sampler, pool: pool)
        } else {
            var generator = TorchGenerator(seed: parameters.seed)
            var latent = generator.normal(
                count: model.latentChannels * parameters.latentWidth * parameters.latentHeight)
            let sigma = Float(sampler.initNoiseSigma)
            latent.withUnsafeMutableBufferPointer { VectorKernels.scale($0, by: sigma) }
            self.state = RenderState(step: 0, latent: latent, samplerHistory: sampler.history, generator: generator)
        }
    }

    /// The step the render starts at: 0 from noise, `steps - int(steps * strength)` for
    /// image-to-image (diffusers' `t_start`); the steps before it are never taken.
    public var firstStep: Int { Self.firstStep(of: parameters) }

    /// ``firstStep`` of `parameters`.
    static func firstStep(of parameters: RenderParameters) -> Int {
        guard parameters.initImage != nil else { return 0 }
        return parameters.steps - StagePlan.stepsRun(steps: parameters.steps, strength: parameters.strength)
    }

    /// The steps the render takes: `steps - firstStep`.
    public var stepsToRun: Int { parameters.steps - firstStep }

    /// Whether every step has been taken.
    public var isFinished: Bool { state.step >= parameters.steps }

    /// The tiles evaluated per step, on average over the render (for cost reports).
    public func tileEvaluations(step: Int) -> Int { plan.tiles(step: step).count }
}
