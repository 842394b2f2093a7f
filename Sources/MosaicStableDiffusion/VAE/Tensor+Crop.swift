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

    /// The part of a latent that `tile` decodes (owned plus halo).
    func crop(_ tile: VAEDecodeTile) -> Tensor {
        crop(
            rows: tile.inputTop..<(tile.inputTop + tile.inputHeight),
            columns: tile.inputLeft..<(tile.inputLeft + tile.inputWidth))
    }
}
