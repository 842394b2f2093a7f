import MosaicTensor

/// Runs a ``VAEOperation`` program on one activation tensor: a whole image (every GroupNorm and
/// attention over the tensor itself, as diffusers does) or one tile of a tiled decode (norms and
/// attention from what was gathered over the whole image, or stopping to contribute to it).
///
/// Reference: diffusers 0.42.1 `src/diffusers/models/autoencoders/vae.py`.
struct VAEProgramRunner: Sendable {
    /// The flattened network.
    let operations: [VAEOperation]

    /// Runs the program on `input` (`[batch, channels, H, W]`).
    ///
    /// A `groupNorm` at index `i` uses `gathered.statistics[i]` when present; a run with
    /// `stopAt == i` returns the partial statistics of `region` instead; otherwise it normalises
    /// with the tensor's own statistics. `attention` at `i` likewise attends over
    /// `gathered.keysValues[i]`, returns the region's keys and values when stopping there, or
    /// attends over the tensor's own pixels.
    func run(
        _ input: Tensor, gathered: VAEGathered = VAEGathered(), stopAt: Int? = nil,
        region: VAETileRegion? = nil, context: ComputeContext
    ) -> VAERunResult {
        var x = input
        var saved: [Tensor] = []
        var scale = 1
        for (index, operation) in operations.enumerated() {
            switch operation {
            case .conv(let layer):
                x = layer(x, context: context)
            case .groupNorm(let layer, let silu):
                if stopAt == index {
                    return .statistics(Self.statistics(x, layer: layer, region: region, scale: scale, context: context))
                }
                let stats =
                    gathered.statistics[index]
                    ?? Self.statistics(x, layer: layer, region: nil, scale: scale, context: context)
                Self.normalize(&x, layer: layer, statistics: stats, silu: silu, context: context)
            case .save:
                saved.append(x)
            case .residual(let shortcut):
                guard let input = saved.popLast() else { continue }
                Self.addResidual(&x, input: input, shortcut: shortcut, context: context)
            case .attention(let attention):
                if stopAt == index {
                    let (keys, values) = Self.regionKeysValues(
                        x, attention: attention, region: region, scale: scale,
                        context: context)
                    return .keysValues(keys: keys, values: values, scale: scale)
                }
                x = Self.attend(x, attention: attention, global: gathered.keysValues[index], context: context)
            case .upsample:
                x = Self.upsample(x, context: context)
                scale *= 2
            }
        }
        return .output(x)
    }

    /// Sums of `region` (the whole tensor when `nil`) per image and group.
    static func statistics(
        _ x: Tensor, layer: GroupNormLayer, region: VAETileRegion?, scale: Int,
        context: ComputeContext
    ) -> GroupNormStatistics {
        let (batch, channels, height, width) = x.nchw
        return x.scalars.withUnsafeBufferPointer { xb in
            guard let xp = xb.baseAddress else { return GroupNormStatistics(batch: batch, groups: layer.groups) }
            return GroupNorm.statistics(
                xp, batch: batch, channels: channels, height: height, width: width,
                groups: layer.groups, rows: region?.rows(scale: scale),
                columns: region?.columns(scale: scale), context: context)
        }
    }

    /// Normalises `x` in place with `statistics`, then SiLU when `silu`.
    static func normalize(
        _ x: inout Tensor, layer: GroupNormLayer, statistics: GroupNormStatistics, silu: Bool,
        context: ComputeContext
    ) {
        let (batch, channels, height, width) = x.nchw
        x.scalars.withUnsafeMutableBufferPointer { xb in
            layer.gamma.withUnsafeBufferPointer { gb in
                layer.beta.withUnsafeBufferPointer { bb in
                    guard let xp = xb.baseAddress else { return }
                    GroupNorm.apply(
                        xp, output: xp, batch: batch, channels: channels, spatial: height * width,
                        groups: layer.groups, statistics: statistics, eps: layer.eps,
                        gamma: gb.baseAddress, beta: bb.baseAddress, silu: silu, context: context)
                }
            }
        }
    }

    /// `x = shortcut(input) + x`.
    static func addResidual(_ x: inout Tensor, input: Tensor, shortcut: Conv2dLayer?, context: ComputeContext) {
        if let shortcut {
            shortcut.apply(input, into: &x, accumulate: true, context: context)
            return
        }
        x.scalars.withUnsafeMutableBufferPointer { xb in
            input.scalars.withUnsafeBufferPointer { ib in
                for i in 0..<min(xb.count, ib.count) { xb[i] += ib[i] }
            }
        }
    }

    /// The attention of every pixel of `x` over `global` keys and values, or over `x`'s own pixels.
    static func attend(
        _ x: Tensor, attention: VAEAttention, global: AttentionKeysValues?,
        context: ComputeContext
    ) -> Tensor {
        let (batch, channels, height, width) = x.nchw
        let plane = height * width
        var out = Tensor(zeros: x.shape)
        x.scalars.withUnsafeBufferPointer { xb in
            out.scalars.withUnsafeMutableBufferPointer { ob in
                guard let xp = xb.baseAddress, let op = ob.baseAddress else { return }
                for b in 0..<batch {
                    let rows = VAEAttention.tokens(xp + b * channels * plane, channels: channels, plane: plane)
                    let kv: AttentionKeysValues
                    if let global {
                        kv = global
                    } else {
                        let own = attention.keysValues(rows, tokens: plane, context: context)
                        kv = AttentionKeysValues(keys: own.keys, values: own.values, count: plane)
                    }
                    attention.attend(
                        rows, tokens: plane, keys: kv.keys, values: kv.values, keyCount: kv.count,
                        output: op + b * channels * plane, context: context)
                }
            }
        }
        return out
    }

    /// Keys and values of the pixels of `region` of the first image of `x`, row-major over the region.
    static func regionKeysValues(
        _ x: Tensor, attention: VAEAttention, region: VAETileRegion?, scale: Int,
        context: ComputeContext
    ) -> (keys: [Float], values: [Float]) {
        let (_, _, height, width) = x.nchw
        let owned = x.crop(
            rows: region?.rows(scale: scale) ?? 0..<height,
            columns: region?.columns(scale: scale) ?? 0..<width)
        let (_, channels, rows, columns) = owned.nchw
        let tokens = owned.scalars.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.map { VAEAttention.tokens($0, channels: channels, plane: rows * columns) } ?? []
        }
        return attention.keysValues(tokens, tokens: rows * columns, context: context)
    }

    /// Nearest-neighbour 2x upsampling of `x`.
    static func upsample(_ x: Tensor, context: ComputeContext) -> Tensor {
        let (batch, channels, height, width) = x.nchw
        var up = Tensor(zeros: [batch, channels, 2 * height, 2 * width])
        x.scalars.withUnsafeBufferPointer { xb in
            up.scalars.withUnsafeMutableBufferPointer { ub in
                guard let xp = xb.baseAddress, let upp = ub.baseAddress else { return }
                NearestUpsample2D.forward(
                    xp, planes: batch * channels, height: height, width: width, output: upp,
                    context: context)
            }
        }
        return up
    }
}
