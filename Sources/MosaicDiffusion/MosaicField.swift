/// `mosaic-field`, the built-in model: a real diffusion model that needs no weights.
///
/// Its data distribution is the Gaussian random field of `FieldPrior` (chosen by the prompt),
/// its denoiser is the exact posterior mean for that prior on each tile (`FieldDenoiser`), and
/// its decoder turns latents into full-resolution RGB with fine detail (`FieldDecoder`). It is
/// not a picture of anything: it has no notion of objects, only of colour, contrast, scale,
/// smoothness and direction. Because a tile's posterior sees only its own window, tiles denoised
/// independently disagree at their edges, which is what the sync must (and does) remove.
///
/// For image-to-image its encoder (`FieldEncoder`) inverts the decoder's colour mapping from
/// each 8x8 block's mean OKLab colour (lightness to `z0`, chroma to `z1, z2`) and projects the
/// hue twist `z3` to 0, which keeps every colour and drops only that channel's texture; it is
/// deterministic (zero standard deviation).
public struct MosaicField: DiffusionModel {
    /// The name jobs use for the built-in model.
    public static let modelName = "mosaic-field"

    /// Creates the model.
    public init() {}

    public var name: String { Self.modelName }
    /// Listed as built in: it ships with Mosaic and needs no files.
    public var kind: String { "built-in" }
    /// What the model is, for listings (its name alone says nothing).
    public var summary: String { "Gaussian random field prior with an exact denoiser; needs no weights" }
    public var latentChannels: Int { FieldPrior.channels }
    public var latentScale: Int { FieldDecoder.scale }
    /// An exact prior needs little extrapolation; larger scales exaggerate the prompt's palette.
    public var defaultGuidanceScale: Float { 2 }

    public func makeDenoiser(prompt: String, negativePrompt: String, guidanceScale: Float) throws -> any TileDenoiser {
        FieldDenoiser(
            conditional: FieldPrior(prompt: prompt), unconditional: FieldPrior(prompt: negativePrompt),
            guidanceScale: guidanceScale)
    }

    public func makeDecoder() -> any LatentDecoder { FieldDecoder() }

    /// The inverse of the decoder's colour mapping (see the type's documentation).
    public func makeEncoder() throws -> any LatentEncoder { FieldEncoder() }

    /// Two priors of a few coefficients: nothing worth counting beside the canvas.
    public var residentMemoryBytes: Int { 1 << 20 }

    /// `FieldDenoiser`: DCT coefficients of both branches and the posterior means, as floats.
    public func tileScratchBytes(width: Int, height: Int) -> Int {
        6 * latentChannels * width * height * MemoryLayout<Float>.size
    }

    /// `FieldDecoder`: one weight per latent value, however many threads share the rows.
    public func decodeScratchBytes(latentWidth: Int, latentHeight: Int, threads: Int) -> Int {
        latentChannels * latentWidth * latentHeight * MemoryLayout<Float>.size
    }
}
