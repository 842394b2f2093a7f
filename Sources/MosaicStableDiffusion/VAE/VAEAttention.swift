import MosaicTensor

/// diffusers' `Attention` as the VAE mid block builds it (`_from_deprecated_attn_block`):
/// `to_q`, `to_k`, `to_v` and `to_out.0` with bias, over the `H*W` pixels as tokens, with
/// `channels / attention_head_dim` heads (one head in SD). Its `group_norm` and residual are
/// separate program steps.
///
/// Reference: diffusers 0.42.1 `src/diffusers/models/attention_processor.py`.
struct VAEAttention: Sendable {
    let channels: Int
    let heads: Int
    let toQ: LinearLayer
    let toK: LinearLayer
    let toV: LinearLayer
    let toOut: LinearLayer

    /// Loads the projections of an attention over `channels` channels.
    init(_ weights: any WeightSource, channels: Int, heads: Int, policy: WeightPrecisionPolicy) throws(ModelLoadError) {
        self.channels = channels
        self.heads = heads
        toQ = try LinearLayer(weights.scoped("to_q."), in: channels, out: channels, policy: policy)
        toK = try LinearLayer(weights.scoped("to_k."), in: channels, out: channels, policy: policy)
        toV = try LinearLayer(weights.scoped("to_v."), in: channels, out: channels, policy: policy)
        toOut = try LinearLayer(weights.scoped("to_out.0."), in: channels, out: channels, policy: policy)
    }

    /// `[tokens, channels]` rows of the pixels of one `[channels, H, W]` image.
    static func tokens(_ x: UnsafePointer<Float>, channels: Int, plane: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: channels * plane) { rows, initialized in
            for c in 0..<channels {
                for p in 0..<plane { rows[p * channels + c] = x[c * plane + p] }
            }
            initialized = channels * plane
        }
    }

    /// Keys and values of token rows (`tokens x channels` each).
    func keysValues(_ rows: [Float], tokens: Int, context: ComputeContext) -> (keys: [Float], values: [Float]) {
        (toK(rows, rows: tokens, context: context), toV(rows, rows: tokens, context: context))
    }

    /// The attention output `[channels, H, W]` of one image's token `rows` over `keys`/`values`
    /// (`keyCount x channels`), written channel-major into `output`.
    func attend(
        _ rows: [Float], tokens: Int, keys: [Float], values: [Float], keyCount: Int,
        output: UnsafeMutablePointer<Float>, context: ComputeContext
    ) {
        let q = toQ(rows, rows: tokens, context: context)
        var attended = [Float](repeating: 0, count: tokens * channels)
        q.withUnsafeBufferPointer { qb in
            keys.withUnsafeBufferPointer { kb in
                values.withUnsafeBufferPointer { vb in
                    attended.withUnsafeMutableBufferPointer { ob in
                        guard let qp = qb.baseAddress, let kp = kb.baseAddress, let vp = vb.baseAddress,
                            let op = ob.baseAddress
                        else { return }
                        ScaledDotProductAttention.forward(
                            query: qp, key: kp, value: vp, output: op, batch: 1,
                            queryCount: tokens, keyCount: keyCount, heads: heads,
                            headDim: channels / heads, context: context)
                    }
                }
            }
        }
        let projected = toOut(attended, rows: tokens, context: context)
        for c in 0..<channels {
            for p in 0..<tokens { output[c * tokens + p] = projected[p * channels + c] }
        }
    }
}
