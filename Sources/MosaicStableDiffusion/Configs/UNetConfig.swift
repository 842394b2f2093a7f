/// The fields of diffusers' `UNet2DConditionModel` config (`unet/config.json`) that SD 1.x
/// and 2.x use; unknown keys are ignored. Structural keys are required (a missing one gives
/// ``ModelLoadError/invalidConfig(path:reason:)``); the others default as in diffusers.
public struct UNetConfig: Sendable, Equatable, Codable {
    /// Latent channels in (`in_channels`).
    public var inChannels: Int
    /// Latent channels out (`out_channels`).
    public var outChannels: Int
    /// Channels of each down block (`block_out_channels`).
    public var blockOutChannels: [Int]
    /// `CrossAttnDownBlock2D` or `DownBlock2D` per block (`down_block_types`).
    public var downBlockTypes: [String]
    /// `CrossAttnUpBlock2D` or `UpBlock2D` per block (`up_block_types`).
    public var upBlockTypes: [String]
    /// ResNet layers per down block (`layers_per_block`; up blocks have one more).
    public var layersPerBlock: Int
    /// Width of the text encoder states (`cross_attention_dim`).
    public var crossAttentionDim: Int
    /// diffusers' `attention_head_dim`: for SD 1.x/2.x it is in fact the number of heads
    /// (see ``attentionHeads``), an integer for SD 1.x and a per-block list for SD 2.x.
    public var attentionHeadDim: IntOrList
    /// diffusers' `num_attention_heads`, which overrides `attention_head_dim` when present.
    public var numAttentionHeads: IntOrList?
    /// Transformer blocks per attention (`transformer_layers_per_block`, default 1).
    public var transformerLayersPerBlock: IntOrList
    /// Linear instead of 1x1-conv `proj_in`/`proj_out` (`use_linear_projection`; SD 2.x).
    public var useLinearProjection: Bool
    /// GroupNorm groups (`norm_num_groups`, default 32).
    public var normNumGroups: Int
    /// GroupNorm epsilon (`norm_eps`, default 1e-5).
    public var normEps: Double
    /// Cos before sin in the timestep embedding (`flip_sin_to_cos`, default true).
    public var flipSinToCos: Bool
    /// Frequency shift of the timestep embedding (`freq_shift`, default 0).
    public var freqShift: Int
    /// Attention computed in fp32 (`upcast_attention`; everything is fp32 here anyway).
    public var upcastAttention: Bool
    /// Nominal latent size (`sample_size`, default 64).
    public var sampleSize: Int
    /// Mid block type (`mid_block_type`, default `UNetMidBlock2DCrossAttn`).
    public var midBlockType: String
    /// Activation (`act_fn`, default `silu`).
    public var actFn: String

    enum CodingKeys: String, CodingKey {
        case inChannels = "in_channels"
        case outChannels = "out_channels"
        case blockOutChannels = "block_out_channels"
        case downBlockTypes = "down_block_types"
        case upBlockTypes = "up_block_types"
        case layersPerBlock = "layers_per_block"
        case crossAttentionDim = "cross_attention_dim"
        case attentionHeadDim = "attention_head_dim"
        case numAttentionHeads = "num_attention_heads"
        case transformerLayersPerBlock = "transformer_layers_per_block"
        case useLinearProjection = "use_linear_projection"
        case normNumGroups = "norm_num_groups"
        case normEps = "norm_eps"
        case flipSinToCos = "flip_sin_to_cos"
        case freqShift = "freq_shift"
        case upcastAttention = "upcast_attention"
        case sampleSize = "sample_size"
        case midBlockType = "mid_block_type"
        case actFn = "act_fn"
    }

    /// Creates a configuration; the defaults are diffusers'.
    public init(
        inChannels: Int = 4, outChannels: Int = 4, blockOutChannels: [Int], downBlockTypes: [String],
        upBlockTypes: [String], layersPerBlock: Int, crossAttentionDim: Int, attentionHeadDim: IntOrList,
        numAttentionHeads: IntOrList? = nil, transformerLayersPerBlock: IntOrList = .single(1),
        useLinearProjection: Bool = false, normNumGroups: Int = 32, normEps: Double = 1e-5, flipSinToCos: Bool = true,
        freqShift: Int = 0, upcastAttention: Bool = false, sampleSize: Int = 64,
        midBlockType: String = "UNetMidBlock2DCrossAttn", actFn: String = "silu"
    ) {
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.blockOutChannels = blockOutChannels
        self.downBlockTypes = downBlockTypes
        self.upBlockTypes = upBlockTypes
        self.layersPerBlock = layersPerBlock
        self.crossAttentionDim = crossAttentionDim
        self.attentionHeadDim = attentionHeadDim
        self.numAttentionHeads = numAttentionHeads
        self.transformerLayersPerBlock = transformerLayersPerBlock
        self.useLinearProjection = useLinearProjection
        self.normNumGroups = normNumGroups
        self.normEps = normEps
        self.flipSinToCos = flipSinToCos
        self.freqShift = freqShift
        self.upcastAttention = upcastAttention
        self.sampleSize = sampleSize
        self.midBlockType = midBlockType
        self.actFn = actFn
    }

    /// Decodes a `unet/config.json`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            inChannels: try c.decode(Int.self, forKey: .inChannels),
            outChannels: try c.decode(Int.self, forKey: .outChannels),
            blockOutChannels: try c.decode([Int].self, forKey: .blockOutChannels),
            downBlockTypes: try c.decode([String].self, forKey: .downBlockTypes),
            upBlockTypes: try c.decode([String].self, forKey: .upBlockTypes),
            layersPerBlock: try c.decode(Int.self, forKey: .layersPerBlock),
            crossAttentionDim: try c.decode(Int.self, forKey: .crossAttentionDim),
            attentionHeadDim: try c.decode(IntOrList.self, forKey: .attentionHeadDim),
            numAttentionHeads: try c.decodeIfPresent(IntOrList.self, forKey: .numAttentionHeads),
            transformerLayersPerBlock: try c.decodeIfPresent(IntOrList.self, forKey: .transformerLayersPerBlock)
                ?? .single(1),
            useLinearProjection: try c.decodeIfPresent(Bool.self, forKey: .useLinearProjection) ?? false,
            normNumGroups: try c.decodeIfPresent(Int.self, forKey: .normNumGroups) ?? 32,
            normEps: try c.decodeIfPresent(Double.self, forKey: .normEps) ?? 1e-5,
            flipSinToCos: try c.decodeIfPresent(Bool.self, forKey: .flipSinToCos) ?? true,
            freqShift: try c.decodeIfPresent(Int.self, forKey: .freqShift) ?? 0,
            upcastAttention: try c.decodeIfPresent(Bool.self, forKey: .upcastAttention) ?? false,
            sampleSize: try c.decodeIfPresent(Int.self, forKey: .sampleSize) ?? 64,
            midBlockType: try c.decodeIfPresent(String.self, forKey: .midBlockType) ?? "UNetMidBlock2DCrossAttn",
            actFn: try c.decodeIfPresent(String.self, forKey: .actFn) ?? "silu")
    }

    /// Reads and validates `unet/config.json` at `path`.
    public static func load(path: String) throws(ModelLoadError) -> UNetConfig {
        let config = try ConfigFile.decode(UNetConfig.self, path: path)
        try config.validate(path: path)
        return config
    }

    /// Heads of the attentions in each down block, as diffusers computes them
    /// (`num_attention_heads or attention_head_dim`); up blocks use the list reversed and the
    /// mid block its last entry.
    public var attentionHeads: [Int] {
        (numAttentionHeads ?? attentionHeadDim).values(count: blockOutChannels.count) ?? []
    }

    /// Transformer blocks per attention, for each down block.
    public var transformerLayers: [Int] { transformerLayersPerBlock.values(count: blockOutChannels.count) ?? [] }

    /// Checks that the lists agree in length and the block types are SD 1.x/2.x's.
    public func validate(path: String) throws(ModelLoadError) {
        let n = blockOutChannels.count
        guard n > 0, downBlockTypes.count == n, upBlockTypes.count == n else {
            throw .invalidConfig(
                path: path,
                reason: "block_out_channels, down_block_types and up_block_types must have one entry per block")
        }
        guard attentionHeads.count == n else {
            throw .invalidConfig(
                path: path, reason: "attention_head_dim/num_attention_heads must be an integer or a list of \(n)")
        }
        guard transformerLayers.count == n else {
            throw .invalidConfig(
                path: path, reason: "transformer_layers_per_block must be an integer or a list of \(n)")
        }
        for type in downBlockTypes where type != "CrossAttnDownBlock2D" && type != "DownBlock2D" {
            throw .invalidConfig(path: path, reason: "unsupported down block type '\(type)'")
        }
        for type in upBlockTypes where type != "CrossAttnUpBlock2D" && type != "UpBlock2D" {
            throw .invalidConfig(path: path, reason: "unsupported up block type '\(type)'")
        }
        guard midBlockType == "UNetMidBlock2DCrossAttn" else {
            throw .invalidConfig(path: path, reason: "unsupported mid_block_type '\(midBlockType)'")
        }
    }
}
