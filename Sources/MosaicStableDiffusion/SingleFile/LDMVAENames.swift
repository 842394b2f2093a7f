// Original (LDM) autoencoder names -> diffusers names, following diffusers'
// `convert_ldm_vae_checkpoint`: `down.i.block.j` -> `down_blocks.i.resnets.j`, the decoder's
// `up.i` in reverse order, `mid.block_1/2` -> `mid_block.resnets.0/1`, `mid.attn_1.{norm,q,k,v,
// proj_out}` -> `mid_block.attentions.0.{group_norm,to_q,to_k,to_v,to_out.0}` (1x1 convs viewed
// as linear weights), `norm_out` -> `conv_norm_out`, `nin_shortcut` -> `conv_shortcut`.

/// Renames the autoencoder of an original-layout checkpoint.
enum LDMVAENames {
    /// The LDM prefix of autoencoder tensors.
    static let prefix = "first_stage_model."

    private static let attentionParts = [
        ("norm.", "group_norm."), ("q.", "to_q."), ("k.", "to_k."), ("v.", "to_v."), ("proj_out.", "to_out.0."),
    ]

    /// The number of decoder up blocks (`up.N`).
    static func upBlockCount(_ names: [String]) -> Int {
        Set(
            names.compactMap { name -> Int? in
                guard name.hasPrefix("decoder.up.") else { return nil }
                return Int(name.split(separator: ".")[2])
            }
        ).count
    }

    /// diffusers name -> (LDM name, whether it is an attention weight to view as linear).
    static func mapping(_ names: [String]) -> [String: (source: String, attention: Bool)] {
        let upBlocks = upBlockCount(names)
        var result: [String: (source: String, attention: Bool)] = [:]
        for name in names {
            if let renamed = rename(name, upBlocks: upBlocks) {
                result[renamed.name] = (name, renamed.attention)
            }
        }
        return result
    }

    private static func rename(_ name: String, upBlocks: Int) -> (name: String, attention: Bool)? {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        // quant_conv, post_quant_conv
        guard parts[0] == "encoder" || parts[0] == "decoder" else { return (name, false) }
        guard parts.count >= 3 else { return nil }
        let side = parts[0]
        func tail(_ from: Int) -> String { parts[from...].joined(separator: ".") }
        switch parts[1] {
        case "down", "up":
            guard parts.count >= 5, let index = Int(parts[2]) else { return nil }
            let block = parts[1] == "down" ? index : upBlocks - 1 - index
            let kind = parts[1] == "down" ? "down_blocks" : "up_blocks"
            if parts[3] == "block" { return ("\(side).\(kind).\(block).resnets." + shortcut(tail(4)), false) }
            if parts[3] == "downsample" { return ("\(side).\(kind).\(block).downsamplers.0." + tail(4), false) }
            if parts[3] == "upsample" { return ("\(side).\(kind).\(block).upsamplers.0." + tail(4), false) }
            return nil
        case "mid":
            if parts[2] == "block_1" || parts[2] == "block_2" {
                let index = parts[2] == "block_1" ? 0 : 1
                return ("\(side).mid_block.resnets.\(index)." + shortcut(tail(3)), false)
            }
            if parts[2] == "attn_1" {
                let rest = tail(3)
                for (old, new) in attentionParts where rest.hasPrefix(old) {
                    return ("\(side).mid_block.attentions.0." + new + rest.dropFirst(old.count), true)
                }
            }
            return nil
        case "norm_out": return ("\(side).conv_norm_out." + tail(2), false)
        default: return (name, false)  // conv_in, conv_out
        }
    }

    /// `J.nin_shortcut.*` -> `J.conv_shortcut.*` (J the resnet's index, when present).
    private static func shortcut(_ rest: String) -> String {
        var parts = rest.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        for i in parts.indices where parts[i] == "nin_shortcut" { parts[i] = "conv_shortcut" }
        return parts.joined(separator: ".")
    }
}
