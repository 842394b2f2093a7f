/// The fields of diffusers' `AutoencoderKL` config (`vae/config.json`) that SD 1.x/2.x use.
public struct VAEConfig: Sendable, Equatable, Codable {
    /// Image channels in (`in_channels`, 3).
    public var inChannels: Int
    /// Image channels out (`out_channels`, 3).
    public var outChannels: Int
    /// Channels of each encoder block, decoder reversed (`block_out_channels`).
    public var blockOutChannels: [Int]
    /// ResNet layers per encoder block (`layers_per_block`; decoder blocks have one more).
    public var layersPerBlock: Int
    /// Latent channels (`latent_channels`, 4).
    public var latentChannels: Int
    /// GroupNorm groups (`norm_num_groups`, default 32).
    public var normNumGroups: Int
    /// Latents are multiplied by this after encoding, divided before decoding (`scaling_factor`).
    public var scalingFactor: Double
    /// Whether `quant_conv` exists (`use_quant_conv`, default true).
    public var useQuantConv: Bool
    /// Whether `post_quant_conv` exists (`use_post_quant_conv`, default true).
    public var usePostQuantConv: Bool
    /// Whether the mid blocks have their attention (`mid_block_add_attention`, default true).
    public var midBlockAddAttention: Bool
    /// Nominal image size (`sample_size`).
    public var sampleSize: Int
    /// Activation (`act_fn`, default `silu`).
    public var actFn: String

    enum CodingKeys: String, CodingKey {
        case inChannels = "in_channels"
        case outChannels = "out_channels"
        case blockOutChannels = "block_out_channels"
        case layersPerBlock = "layers_per_block"
        case latentChannels = "latent_channels"
        case normNumGroups = "norm_num_groups"
        case scalingFactor = "scaling_factor"
        case useQuantConv = "use_quant_conv"
        case usePostQuantConv = "use_post_quant_conv"
        case midBlockAddAttention = "mid_block_add_attention"
        case sampleSize = "sample_size"
        case actFn = "act_fn"
    }

    /// Creates a configuration; the defaults are SD 1.x/2.x's.
    public init(
        inChannels: Int = 3, outChannels: Int = 3, blockOutChannels: [Int], layersPerBlock: Int,
        latentChannels: Int = 4, normNumGroups: Int = 32, scalingFactor: Double = 0.18215,
        useQuantConv: Bool = true, usePostQuantConv: Bool = true, midBlockAddAttention: Bool = true,
        sampleSize: Int = 512, actFn: String = "silu"
    ) {
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.blockOutChannels = blockOutChannels
        self.layersPerBlock = layersPerBlock
        self.latentChannels = latentChannels
        self.normNumGroups = normNumGroups
        self.scalingFactor = scalingFactor
        self.useQuantConv = useQuantConv
        self.usePostQuantConv = usePostQuantConv
        self.midBlockAddAttention = midBlockAddAttention
        self.sampleSize = sampleSize
        self.actFn = actFn
    }

    /// Decodes a `vae/config.json`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            inChannels: try c.decode(Int.self, forKey: .inChannels),
            outChannels: try c.decode(Int.self, forKey: .outChannels),
            blockOutChannels: try c.decode([Int].self, forKey: .blockOutChannels),
            layersPerBlock: try c.decode(Int.self, forKey: .layersPerBlock),
            latentChannels: try c.decode(Int.self, forKey: .latentChannels),
            normNumGroups: try c.decodeIfPresent(Int.self, forKey: .normNumGroups) ?? 32,
            scalingFactor: try c.decodeIfPresent(Double.self, forKey: .scalingFactor) ?? 0.18215,
            useQuantConv: try c.decodeIfPresent(Bool.self, forKey: .useQuantConv) ?? true,
            usePostQuantConv: try c.decodeIfPresent(Bool.self, forKey: .usePostQuantConv) ?? true,
            midBlockAddAttention: try c.decodeIfPresent(Bool.self, forKey: .midBlockAddAttention) ?? true,
            sampleSize: try c.decodeIfPresent(Int.self, forKey: .sampleSize) ?? 512,
            actFn: try c.decodeIfPresent(String.self, forKey: .actFn) ?? "silu")
    }

    /// Reads `vae/config.json` at `path`.
    public static func load(path: String) throws(ModelLoadError) -> VAEConfig {
        let config = try ConfigFile.decode(VAEConfig.self, path: path)
        guard !config.blockOutChannels.isEmpty, config.layersPerBlock > 0 else {
            throw .invalidConfig(
                path: path, reason: "block_out_channels must not be empty and layers_per_block must be positive")
        }
        return config
    }
}
