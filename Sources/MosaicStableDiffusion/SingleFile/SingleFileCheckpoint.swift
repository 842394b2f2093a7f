/// An original-layout (CompVis/Stability "LDM") Stable Diffusion checkpoint in one
/// `.safetensors` file: `model.diffusion_model.*`, `first_stage_model.*` and
/// `cond_stage_model.transformer.*` (SD 1.x) or `cond_stage_model.model.*` (SD 2.x, OpenCLIP).
///
/// Weights are renamed to diffusers' names (zero-copy views into one memory map) and the
/// configuration is inferred from tensor shapes as diffusers' single-file loader does.
/// What shapes cannot tell is taken from ``Options``: the prediction type (SD 1.x epsilon;
/// SD 2.x v-prediction, as the 768-px 2.0/2.1 models; 2.x "base" 512-px models need
/// `.epsilon`), the attention heads (SD 1.x 8 heads; SD 2.x 64-channel heads), the GroupNorm
/// groups (32), or all of them from a diffusers folder's config files (`configDirectory`,
/// like diffusers' `from_single_file(config=...)`).
public struct SingleFileCheckpoint: StableDiffusionCheckpoint {
    /// Choices that tensor shapes cannot determine.
    public struct Options: Sendable, Equatable {
        /// The UNet's prediction type; nil for the version's default.
        public var predictionType: SchedulerConfigFile.PredictionType?
        /// diffusers' `attention_head_dim` (heads per block); nil for the version's default.
        public var attentionHeadDim: IntOrList?
        /// A diffusers folder whose `unet/`, `vae/`, `text_encoder/` and `scheduler/` config
        /// files replace the inferred configuration (checked against the tensor shapes).
        public var configDirectory: String?

        /// Options; every nil means "the default for the detected version".
        public init(
            predictionType: SchedulerConfigFile.PredictionType? = nil, attentionHeadDim: IntOrList? = nil,
            configDirectory: String? = nil
        ) {
            self.predictionType = predictionType
            self.attentionHeadDim = attentionHeadDim
            self.configDirectory = configDirectory
        }
    }

    /// The file.
    public let path: String
    /// SD 1.x or 2.x, from the text encoder's keys.
    public let version: StableDiffusionVersion
    /// The UNet's weights under diffusers names.
    public let unet: any WeightSource
    /// The autoencoder's weights under diffusers names.
    public let vae: any WeightSource
    /// The text encoder's weights under Mosaic's text encoder names.
    public let textEncoder: any WeightSource
    /// The UNet configuration (inferred or from `configDirectory`).
    public let unetConfig: UNetConfig
    /// The autoencoder configuration.
    public let vaeConfig: VAEConfig
    /// The text encoder configuration.
    public let textEncoderConfig: CLIPTextConfig
    /// The scheduler configuration (SD's schedule; prediction type from the options).
    public let schedulerConfig: SchedulerConfigFile
    /// The shipped CLIP vocabulary, padded as the version's tokenizer pads.
    public let tokenizerFiles: CLIPTokenizerFiles
    /// The file's tensors that no component uses (EMA copies, schedule buffers, OpenCLIP's
    /// projection and last block, `position_ids`, ...), sorted: a diagnostic for new layouts.
    public let unusedTensorNames: [String]

    /// Opens and maps `path`, detects the version, renames and infers the configuration.
    public init(path: String, options: Options = Options()) throws(ModelLoadError) {
        self.path = path
        let file = try SafeTensorsWeights(path: path)
        let names = file.tensorNames
        func stripped(_ prefix: String) -> [String] {
            names.filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
        }
        let unetNames = stripped(LDMUNetNames.prefix)
        let vaeNames = stripped(LDMVAENames.prefix)
        let clipNames = stripped(LDMTextEncoderNames.clipPrefix)
        let openCLIPNames = stripped(LDMTextEncoderNames.openCLIPPrefix)
        guard !unetNames.isEmpty, !vaeNames.isEmpty else {
            let hint = names.contains { $0.hasPrefix("conditioner.embedders.") } ? " (an SDXL checkpoint?)" : ""
            throw .unknownArchitecture("\(path) has no model.diffusion_model.* and first_stage_model.* tensors\(hint)")
        }
        let inference = SingleFileInference(file: file, path: path)

        let textEntries: [String: RenamedWeights.Entry]
        if openCLIPNames.contains("token_embedding.weight") {
            version = .v2
            let width = try inference.shape(LDMTextEncoderNames.openCLIPPrefix + "token_embedding.weight", rank: 2)[1]
            textEntries = LDMTextEncoderNames.openCLIP(openCLIPNames, width: width)
        } else if !clipNames.isEmpty {
            version = .v1
            textEntries = LDMTextEncoderNames.clip(clipNames)
        } else {
            throw .unknownArchitecture(
                "\(path) has no SD 1.x (cond_stage_model.transformer.*) or SD 2.x (cond_stage_model.model.*) text encoder"
            )
        }
        textEncoder = RenamedWeights(file: file, entries: textEntries, label: "\(path) (text encoder)")

        guard let layers = LDMUNetNames.layersPerBlock(unetNames), layers > 0 else {
            throw .unknownArchitecture("\(path): cannot find the UNet's input blocks")
        }
        var unetEntries: [String: RenamedWeights.Entry] = [:]
        for (diffusers, ldm) in LDMUNetNames.mapping(unetNames, layersPerBlock: layers) {
            unetEntries[diffusers] = RenamedWeights.Entry(source: LDMUNetNames.prefix + ldm)
        }
        let unetWeights = RenamedWeights(file: file, entries: unetEntries, label: "\(path) (UNet)")
        unet = unetWeights

        var vaeEntries: [String: RenamedWeights.Entry] = [:]
        for (diffusers, ldm) in LDMVAENames.mapping(vaeNames) {
            let source = LDMVAENames.prefix + ldm.source
            var viewed: [Int]? = nil
            if ldm.attention, let shape = file.file.info(source)?.shape, shape.count > 2,
                shape.dropFirst(2).allSatisfy({ $0 == 1 })
            {
                viewed = Array(shape.prefix(2))
            }
            vaeEntries[diffusers] = RenamedWeights.Entry(source: source, shape: viewed)
        }
        let vaeWeights = RenamedWeights(file: file, entries: vaeEntries, label: "\(path) (VAE)")
        vae = vaeWeights

        let textWeights = RenamedWeights(file: file, entries: textEntries, label: "\(path) (text encoder)")
        var unetConfig = try inference.unetConfig(
            unetWeights, layersPerBlock: layers, version: version, options: options)
        var vaeConfig = try inference.vaeConfig(vaeWeights)
        var textConfig = try inference.textConfig(textWeights, version: version)
        var scheduler = SchedulerConfigFile(
            className: "DDIMScheduler", predictionType: version == .v2 ? .vPrediction : .epsilon)
        if let directory = options.configDirectory {
            let configs = try inference.configs(from: directory, inferred: (unetConfig, vaeConfig, textConfig))
            unetConfig = configs.unet
            vaeConfig = configs.vae
            textConfig = configs.text
            if let file = configs.scheduler { scheduler = file }
        }
        if let predictionType = options.predictionType { scheduler.predictionType = predictionType }
        self.unetConfig = unetConfig
        self.vaeConfig = vaeConfig
        self.textEncoderConfig = textConfig
        self.schedulerConfig = scheduler
        tokenizerFiles = try CLIPTokenizerFiles.bundled(padToken: version == .v2 ? "!" : "<|endoftext|>")
        let used = Set([unetEntries, vaeEntries, textEntries].flatMap { $0.values.map(\.source) })
        unusedTensorNames = names.filter { !used.contains($0) }
    }
}
