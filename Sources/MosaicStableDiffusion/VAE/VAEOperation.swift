/// One step of an autoencoder half written as a flat program over one activation tensor.
///
/// diffusers' `Encoder` and `Decoder` are nests of modules; flattening them lets one runner
/// execute the whole network, a whole image at a time or tile by tile, stopping at any
/// GroupNorm or attention to gather what it needs from the whole image first (see
/// ``TiledVAEDecoder``).
///
/// Reference: diffusers 0.42.1 `src/diffusers/models/autoencoders/vae.py` and
/// `src/diffusers/models/unets/unet_2d_blocks.py`.
enum VAEOperation: Sendable {
    /// `x = conv(x)` (3x3 padding 1, 1x1, or the encoder's stride-2 downsampler).
    case conv(Conv2dLayer)
    /// `x = group_norm(x)`, then SiLU when `silu`.
    case groupNorm(GroupNormLayer, silu: Bool)
    /// Pushes `x` (the input of a ResNet or attention block) for a later `residual`.
    case save
    /// `x = shortcut(popped) + x`: the popped tensor through `conv_shortcut`, or as it is when `nil`.
    case residual(Conv2dLayer?)
    /// `x = attention(x)` without its `group_norm` (a preceding `groupNorm`) and residual.
    case attention(VAEAttention)
    /// Nearest-neighbour upsampling by 2 (`Upsample2D` before its `conv`).
    case upsample

    /// The radius in input pixels (at the current resolution) by which this step spreads the
    /// influence of one pixel: 1 for a 3x3 convolution, 0 for pointwise steps.
    var radius: Int {
        if case .conv(let layer) = self { return max(layer.geometry.kernelHeight, layer.geometry.kernelWidth) / 2 }
        return 0
    }
}
