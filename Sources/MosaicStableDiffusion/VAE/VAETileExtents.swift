/// Which pixels one tile computes at every step of a VAE program ("shrinking halos").
///
/// A tile must own correct pixels at the end, and a pixel is correct only where every step
/// before it saw its real neighbours. Walking the program backwards from the owned pixels gives
/// the smallest rectangle each step needs: a 3x3 convolution needs one more pixel on every side
/// that is not at the image border, an upsampler half the rectangle, the encoder's stride-2
/// convolution twice it plus its kernel, a `save` what the main branch and its `residual` need
/// together. Running forwards on those rectangles (each convolution padded with zeros only at
/// the image border, where the whole-image run pads too) computes exactly the whole-image
/// values of the owned pixels, while the arithmetic near the end of the program (where most of
/// the decoder's arithmetic is) falls to the owned area.
struct VAETileExtents: Sendable, Equatable {
    /// `rects[i]`: the pixels of the activation entering operation `i`; the last one is the
    /// owned part of the output (or of the input of the operation the run stops at).
    let rects: [VAERect]
    /// `owned[i]`: the tile's own pixels at the resolution of `rects[i]`.
    let owned: [VAERect]

    /// The extents of `tile` for the operations before `end` (all when `nil`), whose inputs
    /// have the sizes `sizes` (one more entry than operations: the output), with `latent` the
    /// index in `sizes` of the latent's resolution (0 for the decoder, the last for the encoder).
    init(tile: VAETile, operations: [VAEOperation], sizes: [VAESize], latent: Int, end: Int? = nil) {
        let end = min(end ?? operations.count, operations.count)
        let scales = sizes.map {
            VAEScale(
                rows: $0.height / max(1, sizes[latent].height), columns: $0.width / max(1, sizes[latent].width))
        }
        let owned = scales[0...end].map { tile.rect(scale: $0) }
        var rects = owned
        var pending: [VAERect] = []
        for index in (0..<end).reversed() {
            let needed = rects[index + 1]
            let size = sizes[index]
            switch operations[index] {
            case .conv(let layer):
                let g = layer.geometry
                rects[index] = VAERect(
                    top: max(0, needed.top * g.stride - g.padTop),
                    left: max(0, needed.left * g.stride - g.padLeft),
                    bottom: min(size.height, (needed.bottom - 1) * g.stride - g.padTop + g.kernelHeight),
                    right: min(size.width, (needed.right - 1) * g.stride - g.padLeft + g.kernelWidth))
            case .upsample:
                rects[index] = VAERect(
                    top: needed.top / 2, left: needed.left / 2, bottom: (needed.bottom + 1) / 2,
                    right: (needed.right + 1) / 2)
            case .residual:
                pending.append(needed)
                rects[index] = needed
            case .save:
                rects[index] = pending.popLast().map { needed.union($0) } ?? needed
            case .groupNorm, .attention:
                rects[index] = needed
            }
        }
        self.rects = rects
        self.owned = owned
    }

    /// `layer`'s geometry for producing `rects[index + 1]` from `rects[index]`: zero padding only
    /// where the whole-image convolution's padding falls, i.e. at the image border.
    func geometry(of layer: Conv2dLayer, at index: Int) -> Conv2DGeometryPadding {
        let g = layer.geometry
        let input = rects[index]
        let output = rects[index + 1]
        return Conv2DGeometryPadding(
            top: input.top - (output.top * g.stride - g.padTop),
            bottom: (output.bottom - 1) * g.stride - g.padTop + g.kernelHeight - input.bottom,
            left: input.left - (output.left * g.stride - g.padLeft),
            right: (output.right - 1) * g.stride - g.padLeft + g.kernelWidth - input.right)
    }
}

/// Zero rows and columns a tile's convolution adds on each side.
struct Conv2DGeometryPadding: Sendable, Equatable {
    var top: Int
    var bottom: Int
    var left: Int
    var right: Int
}

/// Height and width of one activation.
struct VAESize: Sendable, Equatable {
    var height: Int
    var width: Int

    /// The sizes entering each operation of `operations` run on an input of `input`, and of the output.
    static func sizes(_ operations: [VAEOperation], input: VAESize) -> [VAESize] {
        var sizes = [input]
        var current = input
        for operation in operations {
            switch operation {
            case .conv(let layer):
                current = VAESize(
                    height: layer.geometry.outputHeight(current.height),
                    width: layer.geometry.outputWidth(current.width))
            case .upsample:
                current = VAESize(height: 2 * current.height, width: 2 * current.width)
            default:
                break
            }
            sizes.append(current)
        }
        return sizes
    }
}
