import MosaicTensor

/// transformers' `CLIPMLP`: `fc2(act(fc1(x)))` with `quick_gelu` (OpenAI CLIP, SD 1.x) or the
/// exact `gelu` (OpenCLIP ViT-H, SD 2.x).
///
/// Reference: transformers 5.24.0 `src/transformers/models/clip/modeling_clip.py` and
/// `src/transformers/activations.py`.
struct CLIPMLP: Sendable {
    let fc1: LinearLayer
    let fc2: LinearLayer
    /// `true` for `quick_gelu`, `false` for `gelu`.
    let quickGELU: Bool

    /// Loads `fc1` and `fc2`.
    init(
        _ weights: any WeightSource, hidden: Int, intermediate: Int, quickGELU: Bool,
        policy: WeightPrecisionPolicy
    ) throws(ModelLoadError) {
        fc1 = try LinearLayer(weights.scoped("fc1."), in: hidden, out: intermediate, policy: policy)
        fc2 = try LinearLayer(weights.scoped("fc2."), in: intermediate, out: hidden, policy: policy)
        self.quickGELU = quickGELU
    }

    /// Adds the MLP of `x` (`rows x hidden`) to `residual`.
    func apply(_ x: [Float], rows: Int, residual: inout [Float], context: ComputeContext) {
        var h = fc1(x, rows: rows, context: context)
        let count = h.count
        h.withUnsafeMutableBufferPointer { buffer in
            guard let p = buffer.baseAddress else { return }
            if quickGELU {
                Activation.quickGELU(p, output: p, count: count, context: context)
            } else {
                Activation.gelu(p, output: p, count: count, context: context)
            }
        }
        fc2.apply(h, rows: rows, into: &residual, accumulate: true, context: context)
    }
}
