/// The floating-point operations of one UNet forward pass, counted analytically: every convolution,
/// linear layer and attention matrix product (two per multiply-add); norms, activations and
/// additions are left out, as PyTorch's FLOP counter does.
///
/// Reference: PyTorch 2.15.0 `torch/utils/flop_counter.py`.
public enum UNetFLOPs {
    /// FLOPs of `UNet2DConditionModel` with `config` on `batch` latents of `height x width` with
    /// `tokens` encoder states.
    public static func forward(config: UNetConfig, batch: Int, height: Int, width: Int, tokens: Int) -> Double {
        let channels = config.blockOutChannels
        let temb = Double(channels[0] * 4)
        let cross = Double(config.crossAttentionDim)
        let keys = Double(tokens)
        var total = 0.0
        func conv(_ cin: Int, _ cout: Int, _ k: Int, _ pixels: Int) {
            total += 2 * Double(cin * cout * k * k) * Double(pixels)
        }
        func resnet(_ cin: Int, _ cout: Int, _ pixels: Int) {
            conv(cin, cout, 3, pixels)
            conv(cout, cout, 3, pixels)
            if cin != cout { conv(cin, cout, 1, pixels) }
            total += 2 * temb * Double(cout)
        }
        func transformer(_ c: Int, _ pixels: Int, _ layers: Int) {
            let t = Double(pixels)
            let d = Double(c)
            total += 2 * 2 * t * d * d  // proj_in, proj_out
            for _ in 0..<layers {
                total += 2 * t * d * d * 4 + 2 * 2 * t * t * d  // self-attention: q, k, v, out; scores and values
                total += 2 * t * d * d * 2 + 2 * 2 * keys * cross * d + 2 * 2 * t * keys * d  // cross-attention
                total += 2 * t * d * 8 * d + 2 * t * 4 * d * d  // GEGLU feed-forward
            }
        }
        let heads = config.attentionHeads.count
        let layers = config.transformerLayers
        guard heads == channels.count, layers.count == channels.count else { return 0 }
        total += 2 * Double(channels[0]) * temb + 2 * temb * temb  // time embedding
        var h = height
        var w = width
        conv(config.inChannels, channels[0], 3, h * w)
        var output = channels[0]
        for (i, type) in config.downBlockTypes.enumerated() {
            let input = output
            output = channels[i]
            for j in 0..<config.layersPerBlock {
                resnet(j == 0 ? input : output, output, h * w)
                if type == "CrossAttnDownBlock2D" { transformer(output, h * w, layers[i]) }
            }
            if i < channels.count - 1 {
                h = (h + 1) / 2
                w = (w + 1) / 2
                conv(output, output, 3, h * w)
            }
        }
        let last = channels[channels.count - 1]
        resnet(last, last, h * w)
        transformer(last, h * w, layers[layers.count - 1])
        resnet(last, last, h * w)
        let reversed = Array(channels.reversed())
        let reversedLayers = Array(layers.reversed())
        output = reversed[0]
        for (i, type) in config.upBlockTypes.enumerated() {
            let prevOut = output
            output = reversed[i]
            let input = reversed[min(i + 1, channels.count - 1)]
            let n = config.layersPerBlock + 1
            for j in 0..<n {
                resnet((j == 0 ? prevOut : output) + (j == n - 1 ? input : output), output, h * w)
                if type == "CrossAttnUpBlock2D" { transformer(output, h * w, reversedLayers[i]) }
            }
            if i < channels.count - 1 {
                h *= 2
                w *= 2
                conv(output, output, 3, h * w)
            }
        }
        conv(channels[0], config.outChannels, 3, h * w)
        return total * Double(batch)
    }
}
