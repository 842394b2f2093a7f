// Why the seam metric could not produce a score.

/// The seam score is undefined because a side of the ratio has nothing to average.
public enum SeamMetricError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No given edge lies strictly inside the image with a reference boundary beside it.
    case noMeasurableEdges
    /// No given control lies strictly inside the image with a reference boundary beside it.
    case noMeasurableControls

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .noMeasurableEdges: return "seam metric: no tile edge lies inside the image"
        case .noMeasurableControls: return "seam metric: no control position lies inside the image"
        }
    }
}
