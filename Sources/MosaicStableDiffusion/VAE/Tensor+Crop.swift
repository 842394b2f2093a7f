import MosaicTensor

extension Tensor {
    /// Rows `rows` and columns `columns` of every plane of an NCHW tensor.
    func crop(rows: Range<Int>, columns: Range<Int>) -> Tensor {
        let (batch, channels, height, width) = nchw
        var out = Tensor(zeros: [batch, channels, rows.count, columns.count])
        var index = 0
        for plane in 0..<(batch * channels) {
            for y in rows {
                let start = (plane * height + y) * width
                for x in columns {
                    out.scalars[index] = scalars[start + x]
                    index += 1
                }
            }
        }
        return out
    }

    /// The part of a latent that `tile` decodes (owned plus halo).
    func crop(_ tile: VAEDecodeTile) -> Tensor {
        crop(rows: tile.inputTop..<(tile.inputTop + tile.inputHeight),
             columns: tile.inputLeft..<(tile.inputLeft + tile.inputWidth))
    }
}
