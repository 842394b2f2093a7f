// Original-layout text encoder names -> Mosaic's text encoder names (transformers 5's
// CLIPTextModel without `text_model.`), following diffusers' `convert_ldm_clip_checkpoint`
// (SD 1.x: `cond_stage_model.transformer.` + the transformers names) and
// `convert_open_clip_checkpoint` (SD 2.x: OpenCLIP's `cond_stage_model.model.*`, the fused
// `in_proj_weight` split into q, k, v; `text_projection` and resblock 23 ignored, as diffusers
// does, since SD 2 uses the penultimate layer).

/// Renames the text encoder of an original-layout checkpoint.
enum LDMTextEncoderNames {
    /// SD 1.x's prefix (OpenAI CLIP in transformers' layout).
    static let clipPrefix = "cond_stage_model.transformer."
    /// SD 2.x's prefix (OpenCLIP).
    static let openCLIPPrefix = "cond_stage_model.model."
    /// The OpenCLIP block that diffusers drops (the last of ViT-H's 24).
    static let ignoredOpenCLIPBlock = 23

    /// SD 1.x: exposed name -> entry (names given with the prefix removed).
    static func clip(_ names: [String]) -> [String: RenamedWeights.Entry] {
        var result: [String: RenamedWeights.Entry] = [:]
        for name in names where !name.hasSuffix("position_ids") {
            let exposed = name.hasPrefix("text_model.") ? String(name.dropFirst("text_model.".count)) : name
            result[exposed] = RenamedWeights.Entry(source: clipPrefix + name)
        }
        return result
    }

    /// SD 2.x: exposed name -> entry (names given with the prefix removed); `width` is the
    /// hidden size, the row count of each of q, k and v in the fused projection.
    static func openCLIP(_ names: [String], width: Int) -> [String: RenamedWeights.Entry] {
        var result: [String: RenamedWeights.Entry] = [:]
        let top = [
            ("positional_embedding", "embeddings.position_embedding.weight"),
            ("token_embedding.weight", "embeddings.token_embedding.weight"),
            ("ln_final.weight", "final_layer_norm.weight"), ("ln_final.bias", "final_layer_norm.bias"),
        ]
        for (old, new) in top where names.contains(old) {
            result[new] = RenamedWeights.Entry(source: openCLIPPrefix + old)
        }
        let parts = [
            ("ln_1.", "layer_norm1."), ("ln_2.", "layer_norm2."), ("mlp.c_fc.", "mlp.fc1."),
            ("mlp.c_proj.", "mlp.fc2."),
            ("attn.out_proj.", "self_attn.out_proj."),
        ]
        for name in names where name.hasPrefix("transformer.resblocks.") {
            let pieces = name.split(separator: ".", maxSplits: 3).map(String.init)
            guard pieces.count == 4, let layer = Int(pieces[2]), layer != ignoredOpenCLIPBlock else { continue }
            let rest = pieces[3]
            let source = openCLIPPrefix + name
            let base = "encoder.layers.\(layer)."
            if rest == "attn.in_proj_weight" || rest == "attn.in_proj_bias" {
                let suffix = rest.hasSuffix("weight") ? "weight" : "bias"
                for (i, projection) in ["q_proj", "k_proj", "v_proj"].enumerated() {
                    result[base + "self_attn.\(projection).\(suffix)"] =
                        RenamedWeights.Entry(source: source, rows: (i * width)..<((i + 1) * width))
                }
                continue
            }
            for (old, new) in parts where rest.hasPrefix(old) {
                result[base + new + rest.dropFirst(old.count)] = RenamedWeights.Entry(source: source)
            }
        }
        return result
    }
}
