/// Nearest-neighbour upsampling by 2 (`F.interpolate(scale_factor=2.0, mode="nearest")`).
public enum NearestUpsample2D {
    /// `output[p, 2y + i, 2x + j] = input[p, y, x]` for `planes` planes of `height x width`.
    public static func forward(
        _ input: UnsafePointer<Float>, planes: Int, height: Int, width: Int,
        output: UnsafeMutablePointer<Float>, context: ComputeContext = .serial
    ) {
        let outWidth = 2 * width
        context.parallelFor(planes) { p in
            let src = input + p * height * width
            let dst = output + p * 4 * height * width
            for y in 0..<height {
                let row = dst + 2 * y * outWidth
                let s = src + y * width
                for x in 0..<width {
                    row[2 * x] = s[x]
                    row[2 * x + 1] = s[x]
                }
                (row + outWidth).update(from: row, count: outWidth)
            }
        }
    }
}
