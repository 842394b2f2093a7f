import MosaicTensor

/// The networks of a loaded Stable Diffusion checkpoint.
struct StableDiffusionComponents: Sendable {
    let tokenizer: CLIPTokenizer
    let textEncoder: CLIPTextModel
    let unet: UNet2DConditionModel
    let vae: AutoencoderKL

    /// Builds every network from `checkpoint`'s weights (shapes checked against the configs).
    init(checkpoint: any StableDiffusionCheckpoint, policy: WeightPrecisionPolicy) throws {
        tokenizer = try CLIPTokenizer(files: checkpoint.tokenizerFiles)
        textEncoder = try CLIPTextModel(
            config: checkpoint.textEncoderConfig, weights: checkpoint.textEncoder, policy: policy)
        unet = try UNet2DConditionModel(config: checkpoint.unetConfig, weights: checkpoint.unet, policy: policy)
        vae = try AutoencoderKL(config: checkpoint.vaeConfig, weights: checkpoint.vae, policy: policy)
    }
}
