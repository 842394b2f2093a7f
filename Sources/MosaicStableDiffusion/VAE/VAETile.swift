/// One tile of a tiled VAE decode or encode: the latent pixels it owns. Tiles own disjoint
/// latent pixels, cover the latent once, and keep their index in the plan, so a caller can
/// journal finished tiles and later ask for the missing ones only.
public struct VAETile: Sendable, Equatable {
    /// Position in the plan (row by row), stable for a given size and tile side.
    public let index: Int
    /// First owned latent row.
    public let top: Int
    /// First owned latent column.
    public let left: Int
    /// Owned latent rows.
    public let height: Int
    /// Owned latent columns.
    public let width: Int

    /// The tiles of side `tile` (the last row and column smaller when `tile` does not divide the
    /// size) covering a `height x width` latent, row by row.
    public static func plan(height: Int, width: Int, tile: Int) -> [VAETile] {
        var tiles: [VAETile] = []
        for top in stride(from: 0, to: height, by: max(1, tile)) {
            for left in stride(from: 0, to: width, by: max(1, tile)) {
                tiles.append(
                    VAETile(
                        index: tiles.count, top: top, left: left, height: min(tile, height - top),
                        width: min(tile, width - left)))
            }
        }
        return tiles
    }

    /// The owned rectangle at a resolution of `scale` pixels per latent pixel.
    func rect(scale: VAEScale) -> VAERect {
        VAERect(
            top: top * scale.rows, left: left * scale.columns, bottom: (top + height) * scale.rows,
            right: (left + width) * scale.columns)
    }
}

/// Pixels per latent pixel at one resolution of a VAE program, along each axis.
struct VAEScale: Sendable, Equatable {
    var rows: Int
    var columns: Int
}

/// A half-open rectangle of pixels at one resolution, in that resolution's image coordinates.
struct VAERect: Sendable, Equatable {
    var top: Int
    var left: Int
    var bottom: Int
    var right: Int

    /// Rows covered.
    var height: Int { bottom - top }
    /// Columns covered.
    var width: Int { right - left }
    /// Pixels covered.
    var area: Int { max(0, height) * max(0, width) }

    /// The smallest rectangle holding both.
    func union(_ other: VAERect) -> VAERect {
        VAERect(
            top: min(top, other.top), left: min(left, other.left), bottom: max(bottom, other.bottom),
            right: max(right, other.right))
    }

    /// Rows of `self` relative to the origin of `outer`.
    func rows(in outer: VAERect) -> Range<Int> { (top - outer.top)..<(bottom - outer.top) }
    /// Columns of `self` relative to the origin of `outer`.
    func columns(in outer: VAERect) -> Range<Int> { (left - outer.left)..<(right - outer.left) }
}
