/// A diffusers `StableDiffusionPipeline` folder: `model_index.json`, `unet/`, `vae/`,
/// `text_encoder/`, `tokenizer/`, `scheduler/`, weights memory-mapped from
/// `diffusion_pytorch_model[.VARIANT].safetensors` and `model[.VARIANT].safetensors`.
public struct StableDiffusionFolder: StableDiffusionCheckpoint {
    /// The folder.
    public let path: String
    /// SD 1.x or 2.x (from the text encoder's activation: quick_gelu or gelu).
    public let version: StableDiffusionVersion
    /// The UNet's weights.
    public let unet: any WeightSource
    /// The autoencoder's weights.
    public let vae: any WeightSource
    /// The text encoder's weights (names without `text_model.`).
    public let textEncoder: any WeightSource
    /// `unet/config.json`.
    public let unetConfig: UNetConfig
    /// `vae/config.json`.
    public let vaeConfig: VAEConfig
    /// `text_encoder/config.json`.
    public let textEncoderConfig: CLIPTextConfig
    /// `scheduler/scheduler_config.json`.
    public let schedulerConfig: SchedulerConfigFile
    /// `tokenizer/vocab.json`, `merges.txt` and the pad token of its config.
    public let tokenizerFiles: CLIPTokenizerFiles

    /// Opens the folder at `path`. `variant` picks `*.VARIANT.safetensors` files (diffusers'
    /// `variant="fp16"`); without it the plain files are used, or the fp16 ones when only
    /// those exist.
    public init(path: String, variant: String? = nil) throws(ModelLoadError) {
        self.path = path
        guard FileSystem.isDirectory(path) else { throw .missingFile(path: path) }
        let index = FileSystem.join(path, "model_index.json")
        let pipeline = try ConfigFile.decode(ModelIndex.self, path: index)
        guard pipeline.className.hasPrefix("StableDiffusion"), !pipeline.className.contains("XL"),
            !pipeline.className.contains("3")
        else {
            throw .unknownArchitecture("\(index): _class_name '\(pipeline.className)' is not an SD 1.x/2.x pipeline")
        }

        func component(_ name: String) -> String { FileSystem.join(path, name) }
        unetConfig = try UNetConfig.load(path: FileSystem.join(component("unet"), "config.json"))
        vaeConfig = try VAEConfig.load(path: FileSystem.join(component("vae"), "config.json"))
        textEncoderConfig = try CLIPTextConfig.load(path: FileSystem.join(component("text_encoder"), "config.json"))
        schedulerConfig = try SchedulerConfigFile.load(
            path: FileSystem.join(component("scheduler"), "scheduler_config.json"))
        tokenizerFiles = try CLIPTokenizerFiles.folder(component("tokenizer"))
        unet = try SafeTensorsWeights(path: Self.weightFile(component("unet"), "diffusion_pytorch_model", variant))
        vae = try SafeTensorsWeights(path: Self.weightFile(component("vae"), "diffusion_pytorch_model", variant))
        let text = try SafeTensorsWeights(path: Self.weightFile(component("text_encoder"), "model", variant))
        textEncoder = TextEncoderNames.normalized(text)
        version = textEncoderConfig.hiddenAct == "gelu" ? .v2 : .v1
    }

    /// `directory/base[.variant].safetensors`, falling back to the fp16 variant without one.
    static func weightFile(_ directory: String, _ base: String, _ variant: String?) throws(ModelLoadError) -> String {
        if let variant {
            let file = FileSystem.join(directory, "\(base).\(variant).safetensors")
            guard FileSystem.exists(file) else { throw .missingFile(path: file) }
            return file
        }
        let plain = FileSystem.join(directory, "\(base).safetensors")
        if FileSystem.exists(plain) { return plain }
        let half = FileSystem.join(directory, "\(base).fp16.safetensors")
        if FileSystem.exists(half) { return half }
        throw .missingFile(path: plain)
    }

    /// The part of `model_index.json` checked.
    private struct ModelIndex: Decodable {
        let className: String
        enum CodingKeys: String, CodingKey { case className = "_class_name" }
    }
}
