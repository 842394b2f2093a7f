/// A Stable Diffusion model's weights and configuration, whatever its layout on disk: a
/// diffusers folder (``StableDiffusionFolder``) or one original-layout file
/// (``SingleFileCheckpoint``). Both name the weights as diffusers does:
///
/// - `unet`: `conv_in.weight`, `down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q.weight`, ...
/// - `vae`: `encoder.*`, `decoder.*`, `quant_conv.*`, `post_quant_conv.*` (attention weights as
///   linear `[C, C]` matrices);
/// - `textEncoder`: transformers 5's `CLIPTextModel` names *without* the `text_model.` prefix:
///   `embeddings.token_embedding.weight`, `encoder.layers.0.self_attn.q_proj.weight`,
///   `final_layer_norm.weight`, ... (the prefix is removed when a file has it).
public protocol StableDiffusionCheckpoint: Sendable {
    /// SD 1.x or 2.x.
    var version: StableDiffusionVersion { get }
    /// The UNet's weights.
    var unet: any WeightSource { get }
    /// The autoencoder's weights.
    var vae: any WeightSource { get }
    /// The text encoder's weights.
    var textEncoder: any WeightSource { get }
    /// The UNet's configuration.
    var unetConfig: UNetConfig { get }
    /// The autoencoder's configuration.
    var vaeConfig: VAEConfig { get }
    /// The text encoder's configuration.
    var textEncoderConfig: CLIPTextConfig { get }
    /// The noise schedule and prediction type.
    var schedulerConfig: SchedulerConfigFile { get }
    /// Where the tokenizer's vocabulary and merges are, and its padding token.
    var tokenizerFiles: CLIPTokenizerFiles { get }
}

/// Opens either layout.
public enum StableDiffusionLoader {
    /// Opens a diffusers folder (when `path` is a directory) or an original-layout
    /// `.safetensors` file.
    public static func open(
        path: String, variant: String? = nil, singleFileOptions: SingleFileCheckpoint.Options = .init()
    ) throws(ModelLoadError) -> any StableDiffusionCheckpoint {
        if FileSystem.isDirectory(path) { return try StableDiffusionFolder(path: path, variant: variant) }
        return try SingleFileCheckpoint(path: path, options: singleFileOptions)
    }
}
