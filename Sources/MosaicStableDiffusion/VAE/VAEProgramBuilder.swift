import MosaicTensor

/// Flattens diffusers' `AutoencoderKL` halves into ``VAEOperation`` programs, loading each
/// weight under its diffusers name (`decoder.up_blocks.0.resnets.0.conv1.weight`, ...).
///
/// Reference: diffusers 0.42.1 `src/diffusers/models/autoencoders/vae.py` (`Encoder`, `Decoder`)
/// and `src/diffusers/models/unets/unet_2d_blocks.py` (`UNetMidBlock2D`, `DownEncoderBlock2D`,
/// `UpDecoderBlock2D`).
struct VAEProgramBuilder {
    let config: VAEConfig
    let weights: any WeightSource
    let policy: WeightPrecisionPolicy
    private(set) var operations: [VAEOperation] = []

    /// ResNet and attention GroupNorms use `eps = 1e-6` in both halves of the SD VAE.
    static let eps: Float = 1e-6

    init(config: VAEConfig, weights: any WeightSource, policy: WeightPrecisionPolicy) {
        self.config = config
        self.weights = weights
        self.policy = policy
    }

    /// `post_quant_conv`, then `Decoder`: `conv_in`, `mid_block`, `up_blocks` (each with
    /// `layers_per_block + 1` ResNets and an upsampler but the last), `conv_norm_out`, SiLU, `conv_out`.
    static func decoder(config: VAEConfig, weights: any WeightSource, policy: WeightPrecisionPolicy)
        throws(ModelLoadError) -> [VAEOperation]
    {
        var b = VAEProgramBuilder(config: config, weights: weights, policy: policy)
        let channels = Array(config.blockOutChannels.reversed())
        let latent = config.latentChannels
        if config.usePostQuantConv { try b.conv("post_quant_conv.", latent, latent, kernel: 1) }
        let d = "decoder."
        try b.conv(d + "conv_in.", latent, channels[0], kernel: 3)
        try b.midBlock(d + "mid_block.", channels: channels[0])
        var previous = channels[0]
        for (i, out) in channels.enumerated() {
            let block = d + "up_blocks.\(i)."
            for r in 0...config.layersPerBlock {
                try b.resnet(block + "resnets.\(r).", r == 0 ? previous : out, out)
            }
            if i < channels.count - 1 {
                b.operations.append(.upsample)
                try b.conv(block + "upsamplers.0.conv.", out, out, kernel: 3)
            }
            previous = out
        }
        try b.norm(d + "conv_norm_out.", channels: previous, silu: true)
        try b.conv(d + "conv_out.", previous, config.outChannels, kernel: 3)
        return b.operations
    }

    /// `Encoder`: `conv_in`, `down_blocks` (`layers_per_block` ResNets, then a stride-2 conv on
    /// the input padded by (0, 1, 0, 1) but in the last), `mid_block`, `conv_norm_out`, SiLU,
    /// `conv_out` to `2 * latent_channels`; then `quant_conv`.
    static func encoder(config: VAEConfig, weights: any WeightSource, policy: WeightPrecisionPolicy)
        throws(ModelLoadError) -> [VAEOperation]
    {
        var b = VAEProgramBuilder(config: config, weights: weights, policy: policy)
        let channels = config.blockOutChannels
        let e = "encoder."
        try b.conv(e + "conv_in.", config.inChannels, channels[0], kernel: 3)
        var previous = channels[0]
        for (i, out) in channels.enumerated() {
            let block = e + "down_blocks.\(i)."
            for r in 0..<config.layersPerBlock {
                try b.resnet(block + "resnets.\(r).", r == 0 ? previous : out, out)
            }
            if i < channels.count - 1 {
                let geometry = Conv2DGeometry(
                    inChannels: out, outChannels: out, kernelHeight: 3, kernelWidth: 3,
                    stride: 2, padTop: 0, padBottom: 1, padLeft: 0, padRight: 1)
                b.operations.append(
                    .conv(
                        try Conv2dLayer(
                            weights.scoped(block + "downsamplers.0.conv."),
                            geometry: geometry, policy: policy)))
            }
            previous = out
        }
        try b.midBlock(e + "mid_block.", channels: previous)
        try b.norm(e + "conv_norm_out.", channels: previous, silu: true)
        let moments = 2 * config.latentChannels
        try b.conv(e + "conv_out.", previous, moments, kernel: 3)
        if config.useQuantConv { try b.conv("quant_conv.", moments, moments, kernel: 1) }
        return b.operations
    }

    /// `UNetMidBlock2D`: `resnets.0`, `attentions.0` (when `mid_block_add_attention`), `resnets.1`.
    mutating func midBlock(_ prefix: String, channels: Int) throws(ModelLoadError) {
        try resnet(prefix + "resnets.0.", channels, channels)
        if config.midBlockAddAttention {
            let attention = prefix + "attentions.0."
            operations.append(.save)
            try norm(attention + "group_norm.", channels: channels, silu: false)
            // attention_head_dim = channels: one head.
            operations.append(
                .attention(
                    try VAEAttention(
                        weights.scoped(attention), channels: channels, heads: 1,
                        policy: policy)))
            operations.append(.residual(nil))
        }
        try resnet(prefix + "resnets.1.", channels, channels)
    }

    /// `ResnetBlock2D` without a time embedding: norm1-SiLU-conv1, norm2-SiLU-conv2, plus the
    /// input (through `conv_shortcut` when the channel count changes).
    mutating func resnet(_ prefix: String, _ inChannels: Int, _ outChannels: Int) throws(ModelLoadError) {
        operations.append(.save)
        try norm(prefix + "norm1.", channels: inChannels, silu: true)
        try conv(prefix + "conv1.", inChannels, outChannels, kernel: 3)
        try norm(prefix + "norm2.", channels: outChannels, silu: true)
        try conv(prefix + "conv2.", outChannels, outChannels, kernel: 3)
        let shortcut =
            inChannels == outChannels
            ? nil
            : try Conv2dLayer(
                weights.scoped(prefix + "conv_shortcut."), in: inChannels, out: outChannels, kernel: 1,
                policy: policy)
        operations.append(.residual(shortcut))
    }

    mutating func conv(_ prefix: String, _ inChannels: Int, _ outChannels: Int, kernel: Int) throws(ModelLoadError) {
        operations.append(
            .conv(
                try Conv2dLayer(
                    weights.scoped(prefix), in: inChannels, out: outChannels, kernel: kernel,
                    padding: kernel / 2, policy: policy)))
    }

    mutating func norm(_ prefix: String, channels: Int, silu: Bool) throws(ModelLoadError) {
        operations.append(
            .groupNorm(
                try GroupNormLayer(
                    weights.scoped(prefix), groups: config.normNumGroups,
                    channels: channels, eps: Self.eps), silu: silu))
    }
}
