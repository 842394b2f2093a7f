/// One tile's window on the latent canvas, in latent pixels.
public struct TileRect: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The left column.
    public let x: Int
    /// The top row.
    public let y: Int
    /// The number of columns.
    public let width: Int
    /// The number of rows.
    public let height: Int

    /// Creates a tile window.
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// The number of latent pixels the tile covers (per channel).
    public var area: Int { width * height }

    public var description: String { "\(width)x\(height)+\(x)+\(y)" }
}
