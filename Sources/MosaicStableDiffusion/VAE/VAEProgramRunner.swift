import MosaicTensor

/// Runs a ``VAEOperation`` program on one activation tensor: a whole image (every GroupNorm and
/// attention over the tensor itself, as diffusers does) or one tile of a tiled decode (norms and
/// attention from what was gathered over the whole image, or stopping to contribute to it).
///
/// Reference: diffusers 0.42.1 `src/diffusers/models/autoencoders/vae.py`.
struct VAEProgramRunner: Sendable {
    /// The flattened network.
    let operations: [VAEOperation]

    /// Runs the program on `input` (`[batch, channels, H, W]`): the whole image, or with `tile`
    /// the crop of the input at `tile.rects[0]`, every step on that tile's shrinking extents.
    ///
    /// A `groupNorm` at index `i` uses `gathered.statistics[i]` when present; a run with
    /// `stopAt == i` returns the partial statistics of the tile's owned pixels instead; otherwise
    /// it normalises with the tensor's own statistics. `attention` at `i` likewise attends over
    /// `gathered.keysValues[i]`, returns the owned pixels' keys and values when stopping there,
    /// or attends over the tensor's own pixels. With `recording`, the run returns the statistics,
    /// keys and values it computed from its own tensor beside the output (a reduced pass).
    func run(
        _ input: Tensor, gathered: VAEGathered = VAEGathered(), stopAt: Int? = nil,
        tile: VAETileExtents? = nil, recording: Bool = false, context: ComputeContext
    ) -> VAERunResult {
        var x = input
        var saved: [(tensor: Tensor, rect: VAERect?)] = []
        var recorded = VAEGathered()
        for (index, operation) in operations.enumerated() {
            let rect = tile?.rects[index]
            switch operation {
            case .conv(let layer):
                if let tile {
                    x = layer(x, padding: tile.geometry(of: layer, at: index), context: context)
                } else {
                    x = layer(x, context: context)
                }
            case .groupNorm(let layer, let silu):
                if stopAt == index {
                    return .statistics(Self.statistics(x, layer: layer, owned: tile?.owned[index], in: rect, context))
                }
                let stats =
                    gathered.statistics[index] ?? Self.statistics(x, layer: layer, owned: nil, in: nil, context)
                if recording { recorded.statistics[index] = stats }
                Self.normalize(&x, layer: layer, statistics: stats, silu: silu, context: context)
            case .save:
                saved.append((x, rect))
            case .residual(let shortcut):
                guard let (input, from) = saved.popLast() else { continue }
                let fitted = Self.fit(input, from: from, to: rect)
                Self.addResidual(&x, input: fitted, shortcut: shortcut, context: context)
            case .attention(let attention):
                if stopAt == index {
                    let (keys, values) = Self.ownedKeysValues(
                        x, attention: attention, owned: tile?.owned[index], in: rect, context: context)
                    return .keysValues(keys: keys, values: values)
                }
                if recording {
                    let (keys, values) = Self.ownedKeysValues(
                        x, attention: attention, owned: nil, in: nil, context: context)
                    recorded.keysValues[index] = AttentionKeysValues(
                        keys: keys, values: values, count: x.nchw.2 * x.nchw.3)
                }
                let global = gathered.keysValues[index] ?? recorded.keysValues[index]
                x = Self.attend(x, attention: attention, global: global, context: context)
            case .upsample:
                x = Self.upsample(x, context: context)
            }
            if let tile, let rect {
                // The natural extent of this step's result, cropped to what the rest needs.
                let next = tile.rects[index + 1]
                let produced: VAERect
                switch operation {
                case .upsample:
                    produced = VAERect(
                        top: 2 * rect.top, left: 2 * rect.left, bottom: 2 * rect.bottom, right: 2 * rect.right)
                case .conv:
                    produced = next
                default:
                    produced = rect
                }
                x = Self.fit(x, from: produced, to: next)
            }
        }
        if recording { return .recorded(x, recorded) }
        return .output(x)
    }

    /// `x` (covering `from`) cropped to `to`; as it is when either is `nil` or they are equal.
    static func fit(_ x: Tensor, from: VAERect?, to: VAERect?) -> Tensor {
        guard let from, let to, from != to else { return x }
        return x.crop(rows: to.rows(in: from), columns: to.columns(in: from))
    }

    /// Sums of the `owned` pixels of `x` (covering `rect`; the whole tensor when `nil`) per image and group.
    static func statistics(
        _ x: Tensor, layer: GroupNormLayer, owned: VAERect?, in rect: VAERect?, _ context: ComputeContext
    ) -> GroupNormStatistics {
        let (batch, channels, height, width) = x.nchw
        return x.scalars.withUnsafeBufferPointer { xb in
            guard let xp = xb.baseAddress else { return GroupNormStatistics(batch: batch, groups: layer.groups) }
            return GroupNorm.statistics(
                xp, batch: batch, channels: channels, height: height, width: width,
                groups: layer.groups, rows: rect.flatMap { owned?.rows(in: $0) },
                columns: rect.flatMap { owned?.columns(in: $0) }, context: context)
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

    /// Keys and values of the `owned` pixels of the first image of `x` (covering `rect`; all of
    /// it when `nil`), row-major over them.
    static func ownedKeysValues(
        _ x: Tensor, attention: VAEAttention, owned region: VAERect?, in rect: VAERect?,
        context: ComputeContext
    ) -> (keys: [Float], values: [Float]) {
        let owned = fit(x, from: rect, to: region)
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
