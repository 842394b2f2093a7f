// The per-position numbers behind a SeamReport, kept so tools can point at the worst seam.

/// The seam metric's measurement at one boundary position (an edge or a control).
public struct SeamPosition: Sendable, Equatable {
    /// The boundary: x for a vertical edge (between columns x-1 and x), y for a horizontal one.
    public let position: Int
    /// D(position): median over the line of the OKLab distance across the boundary.
    public let boundaryDistance: Double
    /// Median of D(position ± d), d in 3...16, over the boundaries inside the image.
    public let referenceDistance: Double
    /// (D + ε) / (reference + ε) with ε = 0.001; about 1 where nothing special happens.
    public let ratio: Double
    /// OKLab distance between the mean colours of the 16-px bands either side.
    public let bandDifference: Double

    /// Creates a measurement (the metric computes these; public for tests and tools).
    public init(
        position: Int, boundaryDistance: Double, referenceDistance: Double, ratio: Double, bandDifference: Double
    ) {
        self.position = position
        self.boundaryDistance = boundaryDistance
        self.referenceDistance = referenceDistance
        self.ratio = ratio
        self.bandDifference = bandDifference
    }
}
