/// Unfolds rows of an image into the patch matrix of a convolution (PyTorch's `unfold` order).
public enum Im2Col {
    /// Fills `columns[p, (oy - firstRow) * outWidth + ox]` for output rows `firstRow..<firstRow+rowCount`
    /// and patch rows `p` in `patchRange` (`p = (c * kh + ki) * kw + kj`), zero outside the image.
    ///
    /// `input` is one image, `[inChannels, height, width]`; `columns` has row stride `ldc`.
    public static func fill(
        _ input: UnsafePointer<Float>, height: Int, width: Int, geometry g: Conv2DGeometry,
        firstRow: Int, rowCount: Int, patchRange: Range<Int>,
        columns: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        let outWidth = g.outputWidth(width)
        let kh = g.kernelHeight
        let kw = g.kernelWidth
        let s = g.stride
        for p in patchRange {
            let c = p / (kh * kw)
            let ki = (p / kw) % kh
            let kj = p % kw
            let plane = input + c * height * width
            let row = columns + (p - patchRange.lowerBound) * ldc
            // Output columns ox whose input column ox*s - padLeft + kj lies inside [0, width).
            let shift = kj - g.padLeft
            let oxStart = shift >= 0 ? 0 : (-shift + s - 1) / s
            let oxEnd = max(oxStart, min(outWidth, width - shift <= 0 ? 0 : (width - 1 - shift) / s + 1))
            for r in 0..<rowCount {
                let iy = (firstRow + r) * s - g.padTop + ki
                let dst = row + r * outWidth
                if iy < 0 || iy >= height {
                    dst.update(repeating: 0, count: outWidth)
                    continue
                }
                let src = plane + iy * width + shift
                if oxStart > 0 { dst.update(repeating: 0, count: oxStart) }
                if s == 1 {
                    (dst + oxStart).update(from: src + oxStart, count: oxEnd - oxStart)
                } else {
                    var ox = oxStart
                    while ox < oxEnd {
                        dst[ox] = src[ox * s]
                        ox += 1
                    }
                }
                if oxEnd < outWidth { (dst + oxEnd).update(repeating: 0, count: outWidth - oxEnd) }
            }
        }
    }
}
