// The result of SeamMetric.measure: the headline score plus everything behind it.

/// Seam statistics of one image: ratios and band differences at tile edges and at controls.
public struct SeamReport: Sendable, Equatable {
    /// The measurements for boundaries running one way.
    public struct Direction: Sendable, Equatable {
        /// Edges that could be measured, in the order given (duplicates measured once).
        public let edges: [SeamPosition]
        /// Controls that could be measured, in the order given (duplicates measured once).
        public let controls: [SeamPosition]

        /// Number of measured edges.
        public var edgeCount: Int { edges.count }
        /// Number of measured controls.
        public var controlCount: Int { controls.count }
        /// Mean ratio over the edges; `nil` without edges.
        public var edgeRatio: Double? { Self.mean(edges.map(\.ratio)) }
        /// Mean ratio over the controls; `nil` without controls.
        public var controlRatio: Double? { Self.mean(controls.map(\.ratio)) }
        /// Mean band difference over the edges; `nil` without edges.
        public var edgeBandDifference: Double? { Self.mean(edges.map(\.bandDifference)) }
        /// Mean band difference over the controls; `nil` without controls.
        public var controlBandDifference: Double? { Self.mean(controls.map(\.bandDifference)) }

        /// Groups already-computed measurements.
        public init(edges: [SeamPosition], controls: [SeamPosition]) {
            self.edges = edges
            self.controls = controls
        }

        static func mean(_ values: [Double]) -> Double? {
            values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
        }
    }

    /// Vertical edges (x positions; boundaries between columns).
    public let vertical: Direction
    /// Horizontal edges (y positions; boundaries between rows).
    public let horizontal: Direction

    /// Mean ratio over all measured edges of both directions.
    public var edgeRatio: Double { Direction.mean((vertical.edges + horizontal.edges).map(\.ratio)) ?? 1 }
    /// Mean ratio over all measured controls of both directions.
    public var controlRatio: Double { Direction.mean((vertical.controls + horizontal.controls).map(\.ratio)) ?? 1 }
    /// `edgeRatio / controlRatio`: about 1.0 means the tile edges look like any other place.
    public var score: Double { edgeRatio / controlRatio }
    /// Measured edges, both directions.
    public var edgeCount: Int { vertical.edgeCount + horizontal.edgeCount }
    /// Measured controls, both directions.
    public var controlCount: Int { vertical.controlCount + horizontal.controlCount }
    /// The edge with the highest ratio and its direction, for pointing at the worst seam.
    public var worstEdge: (axis: SeamAxis, position: SeamPosition)? {
        let candidates = vertical.edges.map { (SeamAxis.x, $0) } + horizontal.edges.map { (SeamAxis.y, $0) }
        return candidates.max { $0.1.ratio < $1.1.ratio }.map { (axis: $0.0, position: $0.1) }
    }

    /// Combines the two directions; `SeamMetric.measure` guarantees at least one edge and control.
    public init(vertical: Direction, horizontal: Direction) {
        self.vertical = vertical
        self.horizontal = horizontal
    }
}
