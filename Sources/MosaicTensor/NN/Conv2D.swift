/// A 2-D convolution over NCHW images, as `torch.nn.functional.conv2d` (groups = 1, dilation = 1).
///
/// 1x1 stride-1 convolutions are one `sgemm` per image. Others unfold a block of output rows at
/// a time (im2col) into a buffer of at most `columnBudget` floats and multiply it by the weight
/// matrix `[outChannels, inChannels * kh * kw]`, so scratch stays bounded for any image size.
public enum Conv2D {
    /// Default bound on the im2col buffer, in floats (8 MiB), per thread.
    public static let defaultColumnBudget = 1 << 21

    /// `output[b, o] = bias[o] + sum_{c,ki,kj} weight[o, c, ki, kj] * input[b, c, y*s - pt + ki, x*s - pl + kj]`.
    ///
    /// `input` is `[batch, inChannels, height, width]`, `output` `[batch, outChannels, outH, outW]`.
    /// With `accumulate` the result is added to what `output` holds (a fused residual connection).
    public static func forward(
        _ input: UnsafePointer<Float>, batch: Int, height: Int, width: Int, geometry g: Conv2DGeometry,
        weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>,
        accumulate: Bool = false, context: ComputeContext, columnBudget: Int = Conv2D.defaultColumnBudget
    ) {
        let beta: Float = (bias != nil || accumulate) ? 1 : 0
        let outH = g.outputHeight(height)
        let outW = g.outputWidth(width)
        let outPlane = outH * outW
        guard batch > 0, outH > 0, outW > 0, g.outChannels > 0 else { return }
        let inImage = g.inChannels * height * width
        let outImage = g.outChannels * outPlane
        if g.isPointwise {
            for b in 0..<batch {
                let out = output + b * outImage
                if let bias {
                    fillBias(
                        bias, out, channels: g.outChannels, plane: outPlane, offset: 0, count: outPlane, add: accumulate
                    )
                }
                ParallelGEMM.sgemm(
                    m: g.outChannels, n: outPlane, k: g.inChannels, a: weight, lda: g.inChannels,
                    b: input + b * inImage, ldb: outPlane, beta: beta,
                    c: out, ldc: outPlane, context: context)
            }
            return
        }
        let k = g.patchSize
        let rowsPerBlock = max(1, min(outH, columnBudget / max(1, k * outW)))
        let blocksPerImage = (outH + rowsPerBlock - 1) / rowsPerBlock
        let blocks = batch * blocksPerImage
        let threads = context.threadCount

        if threads == 1 || blocks >= 2 * threads {
            // Blocks in parallel, each with its own buffer and a single-threaded product.
            context.parallelFor(blocks) { item in
                let b = item / blocksPerImage
                let row0 = (item % blocksPerImage) * rowsPerBlock
                let rows = min(rowsPerBlock, outH - row0)
                let n = rows * outW
                let columns = UnsafeMutablePointer<Float>.allocate(capacity: k * n)
                defer { columns.deallocate() }
                Im2Col.fill(
                    input + b * inImage, height: height, width: width, geometry: g,
                    firstRow: row0, rowCount: rows, patchRange: 0..<k, columns: columns, ldc: n)
                let out = output + b * outImage
                if let bias {
                    fillBias(
                        bias, out, channels: g.outChannels, plane: outPlane, offset: row0 * outW, count: n,
                        add: accumulate)
                }
                BLAS.sgemm(
                    m: g.outChannels, n: n, k: k, a: weight, lda: k, b: columns, ldb: n,
                    beta: beta, c: out + row0 * outW, ldc: outPlane)
            }
            return
        }
        // Few large blocks (small images): one shared buffer, unfolded and multiplied in parallel.
        let capacity = k * min(outH, rowsPerBlock) * outW
        let columns = UnsafeMutablePointer<Float>.allocate(capacity: capacity)
        defer { columns.deallocate() }
        for item in 0..<blocks {
            let b = item / blocksPerImage
            let row0 = (item % blocksPerImage) * rowsPerBlock
            let rows = min(rowsPerBlock, outH - row0)
            let n = rows * outW
            context.parallelRanges(k, align: 8) { range in
                Im2Col.fill(
                    input + b * inImage, height: height, width: width, geometry: g,
                    firstRow: row0, rowCount: rows, patchRange: range,
                    columns: columns + range.lowerBound * n, ldc: n)
            }
            let out = output + b * outImage
            if let bias {
                fillBias(
                    bias, out, channels: g.outChannels, plane: outPlane, offset: row0 * outW, count: n, add: accumulate)
            }
            ParallelGEMM.sgemm(
                m: g.outChannels, n: n, k: k, a: weight, lda: k, b: columns, ldb: n,
                beta: beta, c: out + row0 * outW, ldc: outPlane, context: context)
        }
    }

    @inline(__always)
    static func fillBias(
        _ bias: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
        channels: Int, plane: Int, offset: Int, count: Int, add: Bool
    ) {
        for o in 0..<channels {
            let p = out + o * plane + offset
            let b = bias[o]
            if add {
                for i in 0..<count { p[i] += b }
            } else {
                p.update(repeating: b, count: count)
            }
        }
    }
}
