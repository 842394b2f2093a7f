/// A fully connected layer, `y = x Wᵀ + b`, as `torch.nn.functional.linear`.
public enum Linear {
    /// `output[r, o] = sum_i input[r, i] * weight[o, i] + bias[o]` for `rows` rows.
    ///
    /// `weight` is `[outFeatures, inFeatures]` (PyTorch's layout); `output` may not alias `input`.
    /// With `accumulate` the result is added to what `output` holds (a fused residual connection).
    public static func forward(
        _ input: UnsafePointer<Float>, rows: Int, inFeatures: Int,
        weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?, outFeatures: Int,
        output: UnsafeMutablePointer<Float>, accumulate: Bool = false, context: ComputeContext
    ) {
        guard rows > 0, outFeatures > 0 else { return }
        if let bias {
            context.parallelRanges(rows, align: 16) { range in
                for r in range {
                    let row = output + r * outFeatures
                    if accumulate {
                        for o in 0..<outFeatures { row[o] += bias[o] }
                    } else {
                        row.update(from: bias, count: outFeatures)
                    }
                }
            }
        }
        ParallelGEMM.sgemm(
            transposeB: true, m: rows, n: outFeatures, k: inFeatures,
            a: input, lda: inFeatures, b: weight, ldb: inFeatures,
            beta: (bias != nil || accumulate) ? 1 : 0, c: output, ldc: outFeatures, context: context)
    }
}
