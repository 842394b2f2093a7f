import MosaicTensor

extension Tensor {
    /// Rows `rows` and columns `columns` of every plane of an NCHW tensor.
    func crop(rows: Range<Int>, columns: Range<Int>) -> Tensor {
        let (batch, channels, height, width) = nchw
        var out = Tensor.uninitialized([batch, channels, rows.count, columns.count])
        scalars.withUnsafeBufferPointer { source in
            out.scalars.withUnsafeMutableBufferPointer { target in
                guard let src = source.baseAddress, var dst = target.baseAddress else { return }
                for plane in 0..<(batch * channels) {
                    for y in rows {
                        dst.update(from: src + (plane * height + y) * width + columns.lowerBound, count: columns.count)
                        dst += columns.count
                    }
                }
            }
        }
        return out
    }

    /// The pixels of `rect` (in this tensor's coordinates) of every plane.
    func crop(_ rect: VAERect) -> Tensor {
        let (_, _, height, width) = nchw
        if rect == VAERect(top: 0, left: 0, bottom: height, right: width) { return self }
        return crop(rows: rect.top..<rect.bottom, columns: rect.left..<rect.right)
    }
}
