// Orientation of the boundaries the seam metric probes.

/// Which way a probed boundary runs.
public enum SeamAxis: Sendable, Equatable {
    /// A boundary between columns x-1 and x (a vertical tile edge); its lines are columns.
    case x
    /// A boundary between rows y-1 and y (a horizontal tile edge); its lines are rows.
    case y
}
