/// Layer normalisation over the last dimension (`torch.nn.LayerNorm(features)`).
public enum LayerNorm {
    /// `output[r] = (input[r] - mean) / sqrt(var + eps) * gamma + beta` for each of `rows` rows of
    /// `features` floats; `output` may be `input`.
    public static func forward(
        _ input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, rows: Int, features: Int,
        gamma: UnsafePointer<Float>?, beta: UnsafePointer<Float>?, eps: Float, context: ComputeContext
    ) {
        context.parallelRanges(rows, align: 16) { range in
            for r in range {
                let src = input + r * features
                let dst = output + r * features
                var sum = 0.0
                for i in 0..<features { sum += Double(src[i]) }
                let mean = Float(sum / Double(features))
                var squares = 0.0
                for i in 0..<features {
                    let d = src[i] - mean
                    squares += Double(d * d)
                }
                let inv = Float(1 / (squares / Double(features) + Double(eps)).squareRoot())
                switch (gamma, beta) {
                case (let g?, let b?):
                    for i in 0..<features { dst[i] = (src[i] - mean) * inv * g[i] + b[i] }
                default:
                    for i in 0..<features { dst[i] = (src[i] - mean) * inv * (gamma?[i] ?? 1) + (beta?[i] ?? 0) }
                }
            }
        }
    }
}
