/// Copies a tile's owned pixels into a whole-image buffer.
enum VAETileCopy {
    /// Writes `pixels` (`channels x tile.height·scale x tile.width·scale`, channel-major) into the
    /// `channels x height x width` buffer at `target`.
    static func place(
        _ pixels: UnsafeBufferPointer<Float>, of tile: VAETile, scale: Int, into target: SendablePointer<Float>,
        height: Int, width: Int
    ) {
        guard let base = target.pointer else { return }
        let rows = tile.height * scale
        let columns = tile.width * scale
        let channels = rows * columns > 0 ? pixels.count / (rows * columns) : 0
        for c in 0..<channels {
            for y in 0..<rows {
                let dst = base + (c * height + tile.top * scale + y) * width + tile.left * scale
                for x in 0..<columns { dst[x] = pixels[(c * rows + y) * columns + x] }
            }
        }
    }
}
