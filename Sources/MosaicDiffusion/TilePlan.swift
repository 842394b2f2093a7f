/// Covers a latent canvas with tiles, step by step.
///
/// - `overlap`: tiles of `tileSize` at stride `tileSize - overlap`, the last row and column
///   aligned to the canvas edge; the same tiles every step.
/// - `none`: as `overlap` with no overlap (stride = tile size; the last tile is still aligned to
///   the edge, so it may overlap its neighbour, and there it wins).
/// - `shifted`: a grid of `tileSize` cells moved by an offset that is a pure function of the
///   seed and the step (a multiple of `shiftGranularity`, so UNet-based models get sizes they
///   accept); a cell cut to less than half a tile at the canvas edge joins its neighbour.
///
/// A canvas side smaller than the tile size gets one tile of the canvas's size on that axis.
public struct TilePlan: Sendable, Equatable, Codable {
    /// The tiling method.
    public let method: TilingMethod
    /// The canvas width in latent pixels.
    public let canvasWidth: Int
    /// The canvas height in latent pixels.
    public let canvasHeight: Int
    /// The nominal tile side in latent pixels.
    public let tileSize: Int
    /// The overlap between neighbouring tiles in latent pixels (`overlap` method only).
    public let overlap: Int
    /// The seed from which `shifted` offsets are drawn.
    public let seed: UInt64
    /// `shifted` offsets are multiples of this many latent pixels.
    public let shiftGranularity: Int

    /// Validates and creates a plan.
    public init(
        method: TilingMethod, canvasWidth: Int, canvasHeight: Int, tileSize: Int, overlap: Int,
        seed: UInt64, shiftGranularity: Int = 8
    ) throws(TilePlanError) {
        guard canvasWidth > 0, canvasHeight > 0 else {
            throw .emptyCanvas(width: canvasWidth, height: canvasHeight)
        }
        guard tileSize >= 8 else { throw .tileTooSmall(tileSize) }
        if method == .overlap {
            guard overlap >= 0, overlap < tileSize else {
                throw .overlapOutOfRange(overlap: overlap, tileSize: tileSize)
            }
        }
        guard shiftGranularity >= 1, shiftGranularity <= tileSize else {
            throw .granularityOutOfRange(shiftGranularity)
        }
        self.method = method
        self.canvasWidth = canvasWidth
        self.canvasHeight = canvasHeight
        self.tileSize = tileSize
        self.overlap = method == .overlap ? overlap : 0
        self.seed = seed
        self.shiftGranularity = shiftGranularity
    }

    /// The distance between the starts of neighbouring tiles (`overlap` and `none`).
    public var stride: Int { tileSize - overlap }

    /// How many tiles cover the canvas without overlap: the baseline for evaluation costs.
    public var nonOverlappingTileCount: Int {
        Self.ceilDiv(canvasWidth, tileSize) * Self.ceilDiv(canvasHeight, tileSize)
    }

    /// The tiles of `step`, row by row, top to bottom, left to right.
    public func tiles(step: Int) -> [TileRect] {
        let columns = segments(length: canvasWidth, step: step, axis: 0)
        let rows = segments(length: canvasHeight, step: step, axis: 1)
        return rows.flatMap { row in
            columns.map { column in
                TileRect(x: column.start, y: row.start, width: column.length, height: row.length)
            }
        }
    }

    /// The interior tile boundaries of `step` in latent pixels: where seams could appear.
    ///
    /// For `none`, where a later tile overwrites its neighbour, only the boundaries that stay
    /// visible after pasting (the tiles' starts) count.
    public func edges(step: Int) -> (vertical: [Int], horizontal: [Int]) {
        func boundaries(_ segments: [Segment], length: Int) -> [Int] {
            let positions =
                method == .none
                ? segments.map(\.start) : segments.flatMap { [$0.start, $0.start + $0.length] }
            return Set(positions).filter { $0 > 0 && $0 < length }.sorted()
        }
        return (
            boundaries(segments(length: canvasWidth, step: step, axis: 0), length: canvasWidth),
            boundaries(segments(length: canvasHeight, step: step, axis: 1), length: canvasHeight)
        )
    }

    /// The grid offset of `step` along each axis (`shifted`; zero for the other methods).
    public func shift(step: Int) -> (x: Int, y: Int) {
        guard method == .shifted else { return (0, 0) }
        return (offset(step: step, axis: 0), offset(step: step, axis: 1))
    }

    struct Segment: Equatable {
        var start: Int
        var length: Int
    }

    func segments(length: Int, step: Int, axis: Int) -> [Segment] {
        guard length > tileSize else { return [Segment(start: 0, length: length)] }
        switch method {
        case .overlap, .none:
            let count = Self.ceilDiv(length - tileSize, stride) + 1
            return (0..<count).map { index in
                Segment(start: index == count - 1 ? length - tileSize : index * stride, length: tileSize)
            }
        case .shifted:
            var cuts = Swift.stride(from: offset(step: step, axis: axis), to: length, by: tileSize)
                .filter { $0 > 0 }
            if let first = cuts.first, first < tileSize / 2 { cuts.removeFirst() }
            if let last = cuts.last, length - last < tileSize / 2 { cuts.removeLast() }
            let bounds = [0] + cuts + [length]
            return zip(bounds, bounds.dropFirst()).map { Segment(start: $0, length: $1 - $0) }
        }
    }

    /// A pure function of (seed, step, axis): SplitMix64 over their combination.
    func offset(step: Int, axis: Int) -> Int {
        var z =
            seed &+ UInt64(truncatingIfNeeded: step) &* 0x9E37_79B9_7F4A_7C15
            &+ UInt64(axis + 1) &* 0xD1B5_4A32_D192_ED03
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        let choices = UInt64(tileSize / shiftGranularity)
        return Int(z % choices) * shiftGranularity
    }

    static func ceilDiv(_ a: Int, _ b: Int) -> Int { (a + b - 1) / b }
}

/// Why a tile plan could not be made.
public enum TilePlanError: Error, Equatable, CustomStringConvertible {
    /// The canvas has no pixels.
    case emptyCanvas(width: Int, height: Int)
    /// The tile is smaller than 8 latent pixels.
    case tileTooSmall(Int)
    /// The overlap is negative or not smaller than the tile.
    case overlapOutOfRange(overlap: Int, tileSize: Int)
    /// The shift granularity is not in 1...tileSize.
    case granularityOutOfRange(Int)

    public var description: String {
        switch self {
        case .emptyCanvas(let w, let h): return "the latent canvas \(w)x\(h) is empty"
        case .tileTooSmall(let t): return "tile size \(t) latent px is below the minimum of 8"
        case .overlapOutOfRange(let o, let t): return "tile overlap \(o) must be in 0..<\(t) (the tile size)"
        case .granularityOutOfRange(let g): return "shift granularity \(g) must be in 1...tile size"
        }
    }
}
