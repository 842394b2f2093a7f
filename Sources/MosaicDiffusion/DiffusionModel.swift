import MosaicTensor

/// The noise level of one denoising step, in the parameterisations models use.
public struct NoiseLevel: Sendable, Equatable {
    /// The timestep passed to a UNet (as the sampler's `timesteps` give it).
    public let timestep: Double
    /// The k-diffusion noise level `sqrt((1 - alphaCumprod) / alphaCumprod)`.
    public let sigma: Double

    /// Creates a noise level.
    public init(timestep: Double, sigma: Double) {
        self.timestep = timestep
        self.sigma = sigma
    }

    /// `alphaCumprod = 1 / (1 + sigma^2)`: the model input is `sqrt(a) x0 + sqrt(1 - a) eps`.
    public var alphaCumprod: Double { 1 / (1 + sigma * sigma) }
}

/// A text-to-image latent diffusion model that predicts noise (epsilon) for one tile at a time.
public protocol DiffusionModel: Sendable {
    /// The name jobs use to select the model.
    var name: String { get }
    /// The number of latent channels.
    var latentChannels: Int { get }
    /// Image pixels per latent pixel along each axis.
    var latentScale: Int { get }
    /// The classifier-free guidance scale to use when a job names none.
    var defaultGuidanceScale: Float { get }
    /// Prepares the prompt conditioning of one render.
    func makeDenoiser(prompt: String, negativePrompt: String, guidanceScale: Float) throws -> any TileDenoiser
    /// The decoder from latents to 8-bit RGB.
    func makeDecoder() -> any LatentDecoder
    /// The encoder from 8-bit RGB to latents (image-to-image); it inverts ``makeDecoder()``.
    func makeEncoder() throws -> any LatentEncoder
    /// Called once the denoising is done, before the decode: lets go of what only the denoiser
    /// uses, where that lowers the decode's peak (memory-mapped weights). The model must still
    /// work afterwards, if more slowly at first.
    func releaseDenoiserMemory()
    /// The noise schedule the model was trained with (its `scheduler/scheduler_config.json`).
    var scheduleConfig: NoiseScheduleConfig { get }
    /// The image side (px) the model was trained at, where a staged render's base stage
    /// starts (`--stages auto`); nil for a model without one (the built-in model).
    var nativeImageSide: Int? { get }
    /// The family of model for listings: `built-in` or `stable-diffusion`.
    var kind: String { get }
    /// One line for model listings: what kind of model it is and where it comes from.
    var summary: String { get }
    /// Bytes the model keeps in memory for a render (weights, text embeddings), for admission
    /// control: a Stable Diffusion model reports its weights here.
    var residentMemoryBytes: Int { get }
    /// Scratch bytes one tile evaluation of `width x height` latent px needs on one thread,
    /// beyond the tile's input and output.
    func tileScratchBytes(width: Int, height: Int) -> Int
    /// Scratch bytes decoding a `width x height` latent on `threads` threads needs, beyond the
    /// latent and the RGB output.
    func decodeScratchBytes(latentWidth: Int, latentHeight: Int, threads: Int) -> Int
}

extension DiffusionModel {
    /// No native size: renders go direct unless stages are given.
    public var nativeImageSide: Int? { nil }
    /// Nothing to release.
    public func releaseDenoiserMemory() {}
    /// Stable Diffusion 1.5's schedule, for models that do not say otherwise.
    public var scheduleConfig: NoiseScheduleConfig { .stableDiffusion15 }
    /// The model's name.
    public var summary: String { name }
}

/// Predicts the noise in one tile of the canvas, conditioned on one render's prompts.
public protocol TileDenoiser: Sendable {
    /// Writes the predicted noise for `modelInput` (`channels x tile.height x tile.width`) to `output`.
    ///
    /// The result may depend only on the inputs, never on the calling thread or on other tiles.
    func predictNoise(
        modelInput: UnsafeBufferPointer<Float>, tile: TileRect, level: NoiseLevel,
        output: UnsafeMutableBufferPointer<Float>) throws
}

/// Turns a latent canvas into interleaved 8-bit RGB pixels.
public protocol LatentDecoder: Sendable {
    /// Decodes the `channels x height x width` latent into `rgb` (`3 x scale^2` bytes per latent pixel).
    func decode(
        latent: UnsafeBufferPointer<Float>, width: Int, height: Int,
        into rgb: UnsafeMutableBufferPointer<UInt8>, pool: WorkerPool) throws
}

/// A decoder whose image is made of tiles decoded independently of one another, so that a long
/// decode can journal its finished tiles and a resumed one decode only the rest.
public protocol TiledLatentDecoder: LatentDecoder {
    /// The tiles of the decode of a `width x height` latent, in image pixels, in a fixed order
    /// (their indices name them in journals); together they cover the image once.
    func decodeTiles(width: Int, height: Int) -> [TileRect]

    /// Decodes the tiles at `indices` (of ``decodeTiles(width:height:)``) and hands each one's
    /// interleaved RGB rows to `write`, possibly from several pool threads at once. The bytes of
    /// a tile do not depend on which other tiles are decoded in the same call.
    func decode(
        latent: UnsafeBufferPointer<Float>, width: Int, height: Int, tiles indices: [Int], pool: WorkerPool,
        write: @Sendable (_ index: Int, _ rgb: UnsafeBufferPointer<UInt8>) throws -> Void) throws
}
