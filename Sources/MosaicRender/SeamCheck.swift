import MosaicDiffusion
import MosaicImage

/// Scores a rendered image for seams along the tile edges its metadata describes.
///
/// Edges are the interior tile boundaries of the render's last step (the grid that shaped the
/// final pixels; for `overlap` and `none` it is the same every step), in image pixels; controls
/// lie half a tile stride further, off the grid. See `SeamMetric` for the statistic.
public enum SeamCheck {
    /// The seam report of `image`, rendered with `metadata`.
    public static func measure(_ image: RGBImage, metadata: RenderMetadata) throws -> SeamReport {
        guard let method = TilingMethod(rawValue: metadata.tiling) else {
            throw RenderError.sampler("unknown tiling '\(metadata.tiling)' in metadata")
        }
        let plan = try TilePlan(
            method: method, canvasWidth: metadata.width / 8, canvasHeight: metadata.height / 8,
            tileSize: metadata.tileSize, overlap: metadata.tileOverlap, seed: metadata.seed)
        let edges = plan.edges(step: max(metadata.steps - 1, 0))
        let offset = 8 * max(plan.stride / 2, 1)
        return try SeamMetric.measure(
            image, xEdges: edges.vertical.map { $0 * 8 }, yEdges: edges.horizontal.map { $0 * 8 },
            controlOffset: offset)
    }
}
