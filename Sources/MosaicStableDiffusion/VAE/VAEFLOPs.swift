/// Multiply-adds of the VAE's decoder and encoder, untiled and tiled, counted analytically from
/// the flattened programs: every convolution (at the extents each tile actually computes), the
/// `conv_shortcut`s, and the mid attention's projections and matrix products; norms,
/// activations, additions and upsampling are left out, as PyTorch's FLOP counter does (which
/// counts two FLOPs per multiply-add).
///
/// Reference: PyTorch 2.15.0 `torch/utils/flop_counter.py`.
public enum VAEFLOPs {
    /// One untiled decode of a `height x width` latent; without its mid attention when not
    /// `attention` (whole-image attention grows with the square of the pixel count and is most of
    /// an untiled decode's arithmetic at 8192x8192, so ratios against it flatter any tiling).
    public static func decode(_ vae: AutoencoderKL, height: Int, width: Int, attention: Bool = true) -> Double {
        untiled(vae.decoder.operations, input: VAESize(height: height, width: width), attention: attention)
    }

    /// One untiled encode of a `height x width` image; without its mid attention when not `attention`.
    public static func encode(_ vae: AutoencoderKL, height: Int, width: Int, attention: Bool = true) -> Double {
        untiled(vae.encoder.operations, input: VAESize(height: height, width: width), attention: attention)
    }

    /// The whole tiled decode of a `height x width` latent with `decoder`'s tiles and scopes.
    public static func decode(_ decoder: TiledVAEDecoder, height: Int, width: Int) -> Double {
        tiled(decoder.layout(height: height, width: width))
    }

    /// The whole tiled encode of a `height x width` image with `encoder`'s tiles and scopes.
    public static func encode(_ encoder: TiledVAEEncoder, height: Int, width: Int) -> Double {
        tiled(encoder.layout(height: height, width: width))
    }

    /// The program run once on the whole input.
    static func untiled(_ operations: [VAEOperation], input: VAESize, attention: Bool = true) -> Double {
        let sizes = VAESize.sizes(operations, input: input)
        let rects = sizes.map { VAERect(top: 0, left: 0, bottom: $0.height, right: $0.width) }
        return count(operations, rects: rects, end: operations.count) { attention ? (rects[$0].area, true) : nil }
    }

    /// The reduced pass (fast), the gathering runs (exact) and every tile's final run.
    static func tiled(_ run: VAETiledRun) -> Double {
        let operations = run.runner.operations
        guard run.tiles.count > 1 else { return untiled(operations, input: run.sizes[0]) }
        var total = 0.0
        var reducedSizes: [VAESize] = []
        if run.groupNormScope == .fast || run.attentionScope == .reducedImage {
            let reduced = VAEReducedInput.size(
                height: run.sizes[0].height, width: run.sizes[0].width, longestSide: run.reducedLongestSide,
                multiple: run.maxScale)
            let input = VAESize(height: reduced.height, width: reduced.width)
            total += untiled(operations, input: input)
            reducedSizes = VAESize.sizes(operations, input: input)
        }
        // Gathered keys and values were projected once, by the gathering runs or the reduced pass.
        func keys(_ index: Int, _ tokens: Int) -> (count: Int, projected: Bool) {
            switch run.attentionScope {
            case .wholeImage: return (run.sizes[index].height * run.sizes[index].width, false)
            case .reducedImage: return (reducedSizes[index].height * reducedSizes[index].width, false)
            case .tile: return (tokens, true)
            }
        }
        for point in run.exactPoints() {
            for tile in run.tiles {
                let extents = run.extents(tile, end: point)
                total += count(operations, rects: extents.rects, end: point) { keys($0, extents.rects[$0].area) }
                if case .attention(let attention) = operations[point] {
                    total += 2 * Double(extents.owned[point].area) * Double(attention.channels * attention.channels)
                }
            }
        }
        for tile in run.tiles {
            let extents = run.extents(tile)
            total += count(operations, rects: extents.rects, end: operations.count) { keys($0, extents.rects[$0].area) }
        }
        return total
    }

    /// The operations before `end` on `rects` (`rects[i]` entering operation `i`), with
    /// `keys(i).count` keys for an attention at `i`, projected in this run when `keys(i).projected`
    /// (not counted when `keys(i)` is `nil`).
    static func count(
        _ operations: [VAEOperation], rects: [VAERect], end: Int, keys: (Int) -> (count: Int, projected: Bool)?
    ) -> Double {
        var total = 0.0
        for index in 0..<end {
            let pixels = Double(rects[index + 1].area)
            switch operations[index] {
            case .conv(let layer):
                let g = layer.geometry
                total += pixels * Double(g.outChannels * g.patchSize)
            case .residual(let shortcut):
                if let g = shortcut?.geometry { total += pixels * Double(g.outChannels * g.inChannels) }
            case .attention(let attention):
                guard let (count, projected) = keys(index) else { continue }
                let c = Double(attention.channels)
                let tokens = Double(rects[index].area)
                // to_q and to_out on the queries, to_k and to_v on the keys; scores and weighted values.
                total += 2 * tokens * c * c + 2 * tokens * Double(count) * c
                if projected { total += 2 * Double(count) * c * c }
            case .groupNorm, .upsample, .save:
                break
            }
        }
        return total
    }
}
