// SeamMetric: a model-free score for visible tile seams.
//
// Definition. Convert the image to OKLab. For a column boundary x (between columns x-1 and x)
// let D(x) be the median, over all rows y, of the Euclidean OKLab distance between pixels
// (x-1, y) and (x, y). For an edge at x,
//     ratio(x) = (D(x) + ε) / (median{ D(x+d), D(x-d) : d = 3...16, inside the image } + ε),
// ε = 0.001 (keeps perfectly flat areas at ratio 1 instead of 0/0). Rows work the same way with
// columns and rows swapped. edgeRatio is the mean ratio over all edges of both directions,
// controlRatio the same at control positions (off-grid places, usually half a tile from an
// edge), and score = edgeRatio / controlRatio, so image content that is busier or calmer near
// boundaries in general cancels out: about 1.0 means the edges are not special, i.e. no seam.
// Alongside, for every position, the OKLab distance between the mean colours of the 16-px bands
// either side (a low-frequency tone step that a median of pixel steps can miss).
//
// Why medians: a seam is a step that runs along the whole edge; content crossing the edge
// (a branch, a horizon) affects a few rows only and does not move the median.
//
// Cost: each position converts only the 34 lines around it, so 8192x8192 with a dozen edges per
// direction runs well under a second in release builds and holds a few MB, not a whole OKLab copy.

/// Model-free seam detection at known tile edges (see the file header for the definition).
public enum SeamMetric {
    /// Reference boundaries are x ± d for these d.
    public static let referenceOffsets = SeamProbe.referenceOffsets
    /// Width in pixels of the colour bands compared either side of a boundary.
    public static let bandWidth = SeamProbe.bandWidth

    /// Measures seams at the given tile edges against the given control positions.
    ///
    /// Definition: with D(x) the median over rows of the OKLab distance between columns x-1
    /// and x, ratio(x) = (D(x) + 0.001) / (median of D(x ± d), d = 3...16, + 0.001); edgeRatio
    /// and controlRatio are mean ratios over all edges / controls of both directions, and
    /// score = edgeRatio / controlRatio (≈ 1 means no seam). Rows are handled likewise.
    /// Positions outside `1..<width` (or `1..<height`) are skipped; duplicates count once.
    ///
    /// - Parameters:
    ///   - xEdges: x positions of vertical tile edges (boundary between columns x-1 and x).
    ///   - yEdges: y positions of horizontal tile edges.
    ///   - xControls: off-grid x positions to compare against (e.g. half a tile from an edge).
    ///   - yControls: off-grid y positions to compare against.
    /// - Throws: `SeamMetricError` when no edge or no control can be measured.
    public static func measure(
        _ image: RGBImage, xEdges: [Int], yEdges: [Int], xControls: [Int], yControls: [Int]
    ) throws(SeamMetricError) -> SeamReport {
        let vertical = direction(image, axis: .x, edges: xEdges, controls: xControls)
        let horizontal = direction(image, axis: .y, edges: yEdges, controls: yControls)
        let report = SeamReport(vertical: vertical, horizontal: horizontal)
        guard report.edgeCount > 0 else { throw .noMeasurableEdges }
        guard report.controlCount > 0 else { throw .noMeasurableControls }
        return report
    }

    /// Like `measure(_:xEdges:yEdges:xControls:yControls:)` with controls at `edge + controlOffset`
    /// (pass half the tile stride); controls that fall outside the image are skipped.
    public static func measure(
        _ image: RGBImage, xEdges: [Int], yEdges: [Int], controlOffset: Int
    ) throws(SeamMetricError) -> SeamReport {
        try measure(
            image, xEdges: xEdges, yEdges: yEdges,
            xControls: xEdges.map { $0 + controlOffset }, yControls: yEdges.map { $0 + controlOffset })
    }

    /// Evenly spaced edges of a grid with the given tile size: tile, 2·tile, … below `extent`.
    public static func gridEdges(extent: Int, tile: Int) -> [Int] {
        guard tile > 0 else { return [] }
        return Array(stride(from: tile, to: extent, by: tile))
    }

    /// Measures each distinct position once, keeping the caller's order.
    static func direction(_ image: RGBImage, axis: SeamAxis, edges: [Int], controls: [Int]) -> SeamReport.Direction {
        let probe = SeamProbe(image: image, axis: axis)
        var cache: [Int: SeamPosition?] = [:]
        func measured(_ positions: [Int]) -> [SeamPosition] {
            var seen = Set<Int>()
            return positions.compactMap { position in
                guard seen.insert(position).inserted else { return nil }
                if let known = cache[position] { return known }
                let result = probe.measure(at: position)
                cache[position] = result
                return result
            }
        }
        return SeamReport.Direction(edges: measured(edges), controls: measured(controls))
    }
}
