/// Where a render stands, reported after every tile evaluation and every step.
public struct RenderProgress: Sendable, Equatable {
    /// Steps completed so far (0 before the first).
    public var stepsDone: Int
    /// All steps of the render.
    public var stepsTotal: Int
    /// Tiles evaluated in the current step.
    public var tilesDone: Int
    /// Tiles in the current step.
    public var tilesTotal: Int
    /// Seconds spent denoising so far.
    public var elapsed: Double
    /// Seconds each completed step took.
    public var stepDurations: [Double]

    /// Seconds left, estimated from the mean of the last (up to 5) measured step times and the
    /// current step's progress; nil before the first step completes.
    public var estimatedRemaining: Double? {
        guard !stepDurations.isEmpty else { return nil }
        let recent = stepDurations.suffix(5)
        let perStep = recent.reduce(0, +) / Double(recent.count)
        let current = tilesTotal > 0 ? Double(tilesDone) / Double(tilesTotal) : 0
        return max(0, perStep * (Double(stepsTotal - stepsDone) - current))
    }
}
