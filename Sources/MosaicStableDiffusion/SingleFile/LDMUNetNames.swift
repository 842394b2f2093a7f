// Original (LDM) UNet names -> diffusers names, following diffusers'
// `convert_ldm_unet_checkpoint` (loaders/single_file_utils.py): `input_blocks.N` are
// conv_in, then per down block `layers_per_block` (resnet, attention) pairs and a
// downsampler; `middle_block.0/1/2` are resnet, attention, resnet; `output_blocks.N` hold
// `layers_per_block + 1` (resnet, attention) pairs per up block, the upsampler in slot 1 or 2.

/// Renames the UNet of an original-layout checkpoint.
enum LDMUNetNames {
    /// The LDM prefix of UNet tensors.
    static let prefix = "model.diffusion_model."

    private static let resnetParts = [
        ("in_layers.0", "norm1"), ("in_layers.2", "conv1"), ("out_layers.0", "norm2"),
        ("out_layers.3", "conv2"), ("emb_layers.1", "time_emb_proj"), ("skip_connection", "conv_shortcut"),
    ]
    private static let topLevel = [
        ("time_embed.0.", "time_embedding.linear_1."), ("time_embed.2.", "time_embedding.linear_2."),
        ("input_blocks.0.0.", "conv_in."), ("out.0.", "conv_norm_out."), ("out.2.", "conv_out."),
    ]

    /// `layers_per_block`: the first downsampler sits after that many input blocks.
    static func layersPerBlock(_ names: [String]) -> Int? {
        let indices = names.compactMap { name -> Int? in
            guard name.hasPrefix("input_blocks."), name.contains(".0.op.") else { return nil }
            return Int(name.split(separator: ".")[1])
        }
        if let first = indices.min() { return first - 1 }
        let all = names.compactMap { $0.hasPrefix("input_blocks.") ? Int($0.split(separator: ".")[1]) : nil }
        return all.max()
    }

    /// diffusers name -> LDM name (both without the checkpoint prefix) for every UNet tensor.
    static func mapping(_ names: [String], layersPerBlock L: Int) -> [String: String] {
        var result: [String: String] = [:]
        for name in names {
            if let renamed = rename(name, L: L) { result[renamed] = name }
        }
        return result
    }

    private static func rename(_ name: String, L: Int) -> String? {
        for (old, new) in topLevel where name.hasPrefix(old) { return new + name.dropFirst(old.count) }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        if parts.count >= 3, parts[0] == "middle_block", let index = Int(parts[1]) {
            let tail = parts[2...].joined(separator: ".")
            if index == 1 { return "mid_block.attentions.0." + tail }
            if index == 0 || index == 2 { return "mid_block.resnets.\(index / 2)." + resnet(tail) }
            return nil
        }
        guard parts.count >= 4, let index = Int(parts[1]), let slot = Int(parts[2]) else { return nil }
        let rest = parts[3...].joined(separator: ".")
        switch parts[0] {
        case "input_blocks" where index >= 1:
            let block = (index - 1) / (L + 1)
            let layer = (index - 1) % (L + 1)
            if slot == 0, parts[3] == "op" {
                return "down_blocks.\(block).downsamplers.0.conv." + parts[4...].joined(separator: ".")
            }
            if slot == 0 { return "down_blocks.\(block).resnets.\(layer)." + resnet(rest) }
            if slot == 1 { return "down_blocks.\(block).attentions.\(layer)." + rest }
        case "output_blocks":
            let block = index / (L + 1)
            let layer = index % (L + 1)
            if slot >= 1, parts[3] == "conv" {
                return "up_blocks.\(block).upsamplers.0.conv." + parts[4...].joined(separator: ".")
            }
            if slot == 0 { return "up_blocks.\(block).resnets.\(layer)." + resnet(rest) }
            if slot == 1 { return "up_blocks.\(block).attentions.\(layer)." + rest }
        default: break
        }
        return nil
    }

    private static func resnet(_ rest: String) -> String {
        for (old, new) in resnetParts where rest.hasPrefix(old + ".") { return new + rest.dropFirst(old.count) }
        return rest
    }
}
