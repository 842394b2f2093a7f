/// Element-wise activations, in place or into another buffer (`output` may be `input`).
public enum Activation {
    /// SiLU (swish): `x * sigmoid(x)`.
    public static func silu(
        _ input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, count: Int,
        context: ComputeContext = .serial
    ) {
        context.parallelRanges(count, align: 4096) { range in
            for i in range {
                let x = input[i]
                output[i] = x * FastMath.sigmoid(x)
            }
        }
    }

    /// GELU with the exact erf form: `x * (1 + erf(x / sqrt 2)) / 2` (`approximate="none"`).
    public static func gelu(
        _ input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, count: Int,
        context: ComputeContext = .serial
    ) {
        context.parallelRanges(count, align: 4096) { range in
            for i in range { output[i] = geluScalar(input[i]) }
        }
    }

    /// quick_gelu (OpenAI CLIP): `x * sigmoid(1.702 x)`.
    public static func quickGELU(
        _ input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, count: Int,
        context: ComputeContext = .serial
    ) {
        context.parallelRanges(count, align: 4096) { range in
            for i in range {
                let x = input[i]
                output[i] = x * FastMath.sigmoid(1.702 * x)
            }
        }
    }

    /// GEGLU (diffusers' `GEGLU` after its projection): `input` is `[rows, 2 * features]`, split
    /// into `hidden, gate` along the last axis; `output[rows, features] = hidden * gelu(gate)`.
    public static func geglu(
        _ input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
        rows: Int, features: Int, context: ComputeContext = .serial
    ) {
        context.parallelRanges(rows, align: 8) { range in
            for r in range {
                let hidden = input + r * 2 * features
                let gate = hidden + features
                let dst = output + r * features
                for i in 0..<features { dst[i] = hidden[i] * geluScalar(gate[i]) }
            }
        }
    }

    /// The exact GELU of one value.
    @inlinable @inline(__always)
    public static func geluScalar(_ x: Float) -> Float {
        0.5 * x * (1 + FastMath.erf(x * 0.707_106_781_186_547_6))
    }
}
