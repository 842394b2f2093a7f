/// One tile of a tiled VAE decode, in latent pixels: the part it owns and writes, and the larger
/// part (owned plus halo, clipped to the latent) that it decodes so its convolutions see their
/// real neighbours.
public struct VAEDecodeTile: Sendable, Equatable {
    /// First owned latent row.
    public let top: Int
    /// First owned latent column.
    public let left: Int
    /// Owned latent rows.
    public let height: Int
    /// Owned latent columns.
    public let width: Int
    /// First decoded latent row (`top - halo`, clipped).
    public let inputTop: Int
    /// First decoded latent column (`left - halo`, clipped).
    public let inputLeft: Int
    /// Decoded latent rows.
    public let inputHeight: Int
    /// Decoded latent columns.
    public let inputWidth: Int

    /// The tiles of side `tile` (the last row and column smaller when `tile` does not divide the
    /// size) covering a `height x width` latent, row by row, each with `halo` pixels around it.
    public static func plan(height: Int, width: Int, tile: Int, halo: Int) -> [VAEDecodeTile] {
        var tiles: [VAEDecodeTile] = []
        for top in stride(from: 0, to: height, by: tile) {
            for left in stride(from: 0, to: width, by: tile) {
                let rows = min(tile, height - top)
                let columns = min(tile, width - left)
                let inputTop = max(0, top - halo)
                let inputLeft = max(0, left - halo)
                let inputBottom = min(height, top + rows + halo)
                let inputRight = min(width, left + columns + halo)
                tiles.append(
                    VAEDecodeTile(
                        top: top, left: left, height: rows, width: columns,
                        inputTop: inputTop, inputLeft: inputLeft,
                        inputHeight: inputBottom - inputTop, inputWidth: inputRight - inputLeft))
            }
        }
        return tiles
    }

    /// The owned part relative to the decoded part's origin.
    var region: VAETileRegion {
        VAETileRegion(top: top - inputTop, left: left - inputLeft, height: height, width: width)
    }
}
