/// The fields of transformers' `CLIPTextConfig` (`text_encoder/config.json`) that the SD text
/// encoders use. SD 2.x's OpenCLIP tower is stored as a `CLIPTextModel` with `gelu` and one
/// layer fewer than OpenCLIP has (the pipeline uses the penultimate layer's output).
public struct CLIPTextConfig: Sendable, Equatable, Codable {
    /// Token vocabulary size (`vocab_size`, 49408).
    public var vocabSize: Int
    /// Width of the hidden states (`hidden_size`).
    public var hiddenSize: Int
    /// Width of the MLP (`intermediate_size`).
    public var intermediateSize: Int
    /// Transformer layers (`num_hidden_layers`).
    public var numHiddenLayers: Int
    /// Attention heads (`num_attention_heads`).
    public var numAttentionHeads: Int
    /// Context length (`max_position_embeddings`, 77).
    public var maxPositionEmbeddings: Int
    /// `quick_gelu` (SD 1.x) or `gelu` (SD 2.x) (`hidden_act`).
    public var hiddenAct: String
    /// LayerNorm epsilon (`layer_norm_eps`, default 1e-5).
    public var layerNormEps: Double
    /// Output projection width (`projection_dim`; unused by the SD pipelines).
    public var projectionDim: Int?
    /// Start-of-text token (`bos_token_id`).
    public var bosTokenId: Int?
    /// End-of-text token (`eos_token_id`).
    public var eosTokenId: Int?
    /// Padding token (`pad_token_id`).
    public var padTokenId: Int?

    enum CodingKeys: String, CodingKey {
        case vocabSize = "vocab_size"
        case hiddenSize = "hidden_size"
        case intermediateSize = "intermediate_size"
        case numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads"
        case maxPositionEmbeddings = "max_position_embeddings"
        case hiddenAct = "hidden_act"
        case layerNormEps = "layer_norm_eps"
        case projectionDim = "projection_dim"
        case bosTokenId = "bos_token_id"
        case eosTokenId = "eos_token_id"
        case padTokenId = "pad_token_id"
    }

    /// Creates a configuration; the defaults are SD 1.x's (OpenAI CLIP ViT-L/14).
    public init(
        vocabSize: Int = 49408, hiddenSize: Int = 768, intermediateSize: Int = 3072, numHiddenLayers: Int = 12,
        numAttentionHeads: Int = 12, maxPositionEmbeddings: Int = 77, hiddenAct: String = "quick_gelu",
        layerNormEps: Double = 1e-5, projectionDim: Int? = nil, bosTokenId: Int? = 49406, eosTokenId: Int? = 49407,
        padTokenId: Int? = 1
    ) {
        self.vocabSize = vocabSize
        self.hiddenSize = hiddenSize
        self.intermediateSize = intermediateSize
        self.numHiddenLayers = numHiddenLayers
        self.numAttentionHeads = numAttentionHeads
        self.maxPositionEmbeddings = maxPositionEmbeddings
        self.hiddenAct = hiddenAct
        self.layerNormEps = layerNormEps
        self.projectionDim = projectionDim
        self.bosTokenId = bosTokenId
        self.eosTokenId = eosTokenId
        self.padTokenId = padTokenId
    }

    /// Decodes a `text_encoder/config.json`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            vocabSize: try c.decode(Int.self, forKey: .vocabSize),
            hiddenSize: try c.decode(Int.self, forKey: .hiddenSize),
            intermediateSize: try c.decode(Int.self, forKey: .intermediateSize),
            numHiddenLayers: try c.decode(Int.self, forKey: .numHiddenLayers),
            numAttentionHeads: try c.decode(Int.self, forKey: .numAttentionHeads),
            maxPositionEmbeddings: try c.decodeIfPresent(Int.self, forKey: .maxPositionEmbeddings) ?? 77,
            hiddenAct: try c.decodeIfPresent(String.self, forKey: .hiddenAct) ?? "quick_gelu",
            layerNormEps: try c.decodeIfPresent(Double.self, forKey: .layerNormEps) ?? 1e-5,
            projectionDim: try c.decodeIfPresent(Int.self, forKey: .projectionDim),
            bosTokenId: try c.decodeIfPresent(Int.self, forKey: .bosTokenId),
            eosTokenId: try c.decodeIfPresent(Int.self, forKey: .eosTokenId),
            padTokenId: try c.decodeIfPresent(Int.self, forKey: .padTokenId))
    }

    /// Reads and checks `text_encoder/config.json` at `path`.
    public static func load(path: String) throws(ModelLoadError) -> CLIPTextConfig {
        let config = try ConfigFile.decode(CLIPTextConfig.self, path: path)
        guard config.numAttentionHeads > 0, config.hiddenSize % config.numAttentionHeads == 0 else {
            let reason =
                "hidden_size \(config.hiddenSize) is not a multiple of num_attention_heads \(config.numAttentionHeads)"
            throw .invalidConfig(path: path, reason: reason)
        }
        guard config.hiddenAct == "quick_gelu" || config.hiddenAct == "gelu" else {
            throw .invalidConfig(path: path, reason: "unsupported hidden_act '\(config.hiddenAct)'")
        }
        return config
    }
}
