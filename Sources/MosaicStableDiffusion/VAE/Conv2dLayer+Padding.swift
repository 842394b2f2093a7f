import MosaicTensor

extension Conv2dLayer {
    /// The convolution of `x` `[B, in, H, W]` with `padding` in place of the layer's own (a tile's
    /// convolution pads only at the image border; see ``VAETileExtents``).
    func callAsFunction(_ x: Tensor, padding: Conv2DGeometryPadding, context: ComputeContext) -> Tensor {
        var g = geometry
        g.padTop = padding.top
        g.padBottom = padding.bottom
        g.padLeft = padding.left
        g.padRight = padding.right
        let (batch, _, h, w) = x.nchw
        var out = Tensor.uninitialized([batch, g.outChannels, g.outputHeight(h), g.outputWidth(w)])
        weight.withFloats(context: context) { wp in
            x.scalars.withUnsafeBufferPointer { xb in
                out.scalars.withUnsafeMutableBufferPointer { ob in
                    bias.withUnsafeBufferPointer { bb in
                        guard let xp = xb.baseAddress, let op = ob.baseAddress else { return }
                        Conv2D.forward(
                            xp, batch: batch, height: h, width: w, geometry: g, weight: wp,
                            bias: bb.baseAddress, output: op, context: context)
                    }
                }
            }
        }
        return out
    }
}
