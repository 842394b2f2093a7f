import MosaicTensor

/// transformers' `CLIPTextModel` as the Stable Diffusion pipelines use it: token and position
/// embeddings, `num_hidden_layers` pre-norm encoder layers under a causal mask, `final_layer_norm`.
///
/// The output is what diffusers' `StableDiffusionPipeline.encode_prompt` passes to the UNet as
/// `encoder_hidden_states` (with `clip_skip=None`): `last_hidden_state`, after the final norm.
/// SD 1.x uses OpenAI's ViT-L/14 (`quick_gelu`, 12 layers). SD 2.x uses OpenCLIP ViT-H/14 whose
/// *penultimate* layer feeds the UNet; diffusers' converted `text_encoder` keeps only 23 of its
/// 24 layers (`num_hidden_layers: 23`, `gelu`), so its `last_hidden_state` already is that layer
/// through `final_layer_norm` and no special case is needed here. `clipSkip` reproduces the
/// pipeline's `clip_skip` argument (hidden state `-(clip_skip + 1)`, then `final_layer_norm`).
/// The pipeline passes no attention mask (`use_attention_mask` is unset in SD configs), so padded
/// positions attend causally like any other token, as here.
///
/// Reference: transformers 5.24.0 `src/transformers/models/clip/modeling_clip.py`; the prompt
/// encoding of diffusers 0.42.1
/// `src/diffusers/pipelines/stable_diffusion/pipeline_stable_diffusion.py`.
public struct CLIPTextModel: Sendable {
    /// The configuration (`text_encoder/config.json`).
    public let config: CLIPTextConfig
    let embeddings: CLIPTextEmbeddings
    let layers: [CLIPEncoderLayer]
    let finalLayerNorm: LayerNormLayer

    /// Loads the model from `weights` named as transformers names them, with or without the
    /// `text_model.` prefix (`embeddings.token_embedding.weight`, `encoder.layers.0.self_attn.q_proj.weight`, ...).
    public init(config: CLIPTextConfig, weights: any WeightSource, policy: WeightPrecisionPolicy = .stored)
        throws(ModelLoadError)
    {
        guard config.hiddenAct == "quick_gelu" || config.hiddenAct == "gelu" else {
            throw .invalidConfig(
                path: "text_encoder/config.json", reason: "unsupported hidden_act '\(config.hiddenAct)'")
        }
        guard config.numAttentionHeads > 0, config.hiddenSize % config.numAttentionHeads == 0 else {
            throw .invalidConfig(
                path: "text_encoder/config.json",
                reason:
                    "hidden_size \(config.hiddenSize) is not a multiple of num_attention_heads \(config.numAttentionHeads)"
            )
        }
        let root: any WeightSource =
            weights.contains("text_model.embeddings.token_embedding.weight")
            ? weights.scoped("text_model.") : weights
        self.config = config
        embeddings = try CLIPTextEmbeddings(root.scoped("embeddings."), config: config)
        var layers: [CLIPEncoderLayer] = []
        for index in 0..<config.numHiddenLayers {
            layers.append(try CLIPEncoderLayer(root.scoped("encoder.layers.\(index)."), config: config, policy: policy))
        }
        self.layers = layers
        finalLayerNorm = try LayerNormLayer(
            root.scoped("final_layer_norm."), features: config.hiddenSize,
            eps: Float(config.layerNormEps))
    }

    /// The hidden states `[batch, tokens, hidden_size]` for `inputIds` (one row of token ids per
    /// prompt, all of one length, usually 77 from ``CLIPTokenizer``), after `final_layer_norm`.
    public func callAsFunction(inputIds: [[Int]], clipSkip: Int? = nil, context: ComputeContext = .serial)
        throws(TextEncoderError) -> Tensor
    {
        let batch = inputIds.count
        let tokens = inputIds.first?.count ?? 0
        guard inputIds.allSatisfy({ $0.count == tokens }) else { throw .raggedBatch(lengths: inputIds.map(\.count)) }
        guard tokens <= config.maxPositionEmbeddings else {
            throw .tooManyTokens(count: tokens, maximum: config.maxPositionEmbeddings)
        }
        for row in inputIds {
            if let position = row.firstIndex(where: { $0 < 0 || $0 >= config.vocabSize }) {
                throw .invalidTokenID(id: row[position], position: position, vocabSize: config.vocabSize)
            }
        }
        let skip = clipSkip ?? 0
        guard skip >= 0, skip < layers.count || (skip == 0 && layers.isEmpty) else {
            throw .invalidClipSkip(clipSkip: skip, layers: layers.count)
        }
        var hidden = embeddings(inputIds, tokens: tokens)
        for layer in layers.prefix(layers.count - skip) {
            layer.apply(&hidden, batch: batch, tokens: tokens, context: context)
        }
        let output = finalLayerNorm(hidden, rows: batch * tokens, context: context)
        return (try? Tensor(shape: [batch, tokens, config.hiddenSize], scalars: output))
            ?? Tensor(zeros: [batch, tokens, config.hiddenSize])
    }
}
