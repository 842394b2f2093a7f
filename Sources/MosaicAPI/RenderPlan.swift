import Foundation

/// `POST /v1/plan`: what a render would cost, stage by stage, before it is queued.
public struct RenderPlan: Codable, Sendable, Equatable {
    /// The wire names: snake_case, spelled out (a key strategy costs every key of every decode).
    enum CodingKeys: String, CodingKey {
        case render, stages
        case tileEvaluations = "tile_evaluations"
        case directTileEvaluations = "direct_tile_evaluations"
        case secondsPerTile = "seconds_per_tile"
        case measuredTiles = "measured_tiles"
        case etaSeconds = "eta_seconds"
    }

    /// The render with the daemon's defaults filled in (stages resolved), as it would be queued.
    public var render: RenderSpec
    /// The stages, base first; a direct render has one.
    public var stages: [PlannedStage]
    /// UNet tile evaluations of every stage.
    public var tileEvaluations: Int
    /// The tile evaluations of the same image rendered directly at its size, for comparison.
    public var directTileEvaluations: Int
    /// Seconds per tile evaluation of this model at this tile size, as the daemon measured it
    /// since it started; nil before it has measured one.
    public var secondsPerTile: Double?
    /// How many tile evaluations the rate is measured over.
    public var measuredTiles: Int
    /// The denoising time at that rate (decodes, encodes and queue wait not included).
    public var etaSeconds: Double?

    /// Creates a plan.
    public init(
        render: RenderSpec, stages: [PlannedStage], tileEvaluations: Int, directTileEvaluations: Int,
        secondsPerTile: Double?, measuredTiles: Int, etaSeconds: Double?
    ) {
        self.render = render
        self.stages = stages
        self.tileEvaluations = tileEvaluations
        self.directTileEvaluations = directTileEvaluations
        self.secondsPerTile = secondsPerTile
        self.measuredTiles = measuredTiles
        self.etaSeconds = etaSeconds
    }
}

/// One stage of a ``RenderPlan``.
public struct PlannedStage: Codable, Sendable, Equatable {
    /// The wire names.
    enum CodingKeys: String, CodingKey {
        case index, width, height, strength, steps
        case tileEvaluations = "tile_evaluations"
        case etaSeconds = "eta_seconds"
    }

    /// 0 for the base render.
    public var index: Int
    /// Image width in px.
    public var width: Int
    /// Image height in px.
    public var height: Int
    /// Denoising strength (1 renders from noise).
    public var strength: Float
    /// Steps the stage runs.
    public var steps: Int
    /// UNet tile evaluations of the stage.
    public var tileEvaluations: Int
    /// The stage's denoising time at the measured rate.
    public var etaSeconds: Double?

    /// Creates a stage.
    public init(
        index: Int, width: Int, height: Int, strength: Float, steps: Int, tileEvaluations: Int, etaSeconds: Double?
    ) {
        self.index = index
        self.width = width
        self.height = height
        self.strength = strength
        self.steps = steps
        self.tileEvaluations = tileEvaluations
        self.etaSeconds = etaSeconds
    }
}

extension RenderPlan {
    /// The plan as a table for people, as `mosaicctl plan` and `mosaicd render --dry-run` print it.
    public var text: String {
        var lines = ["stage  size          strength  steps  tile evaluations  time"]
        for stage in stages {
            lines.append(
                [
                    Self.pad("\(stage.index + 1)/\(stages.count)", 6),
                    Self.pad("\(stage.width)x\(stage.height)", 13),
                    Self.pad(String(format: "%.2f", stage.strength), 9),
                    Self.pad("\(stage.steps)", 6),
                    Self.pad("\(stage.tileEvaluations)", 17),
                    stage.etaSeconds.map(Self.duration) ?? "-",
                ].joined(separator: " "))
        }
        lines.append(
            "total: \(tileEvaluations) tile evaluations"
                + (stages.count > 1 ? " (a direct render: \(directTileEvaluations))" : ""))
        if let secondsPerTile, let etaSeconds {
            lines.append(
                String(
                    format:
                        "time: about %@ of denoising at %.3g s per tile (measured over %d tiles; decodes not included)",
                    Self.duration(etaSeconds), secondsPerTile, measuredTiles))
        } else {
            lines.append("time: unknown (no tile of this model and tile size measured yet)")
        }
        return lines.joined(separator: "\n")
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    /// `42 s`, `12 min`, `3.4 h`.
    static func duration(_ seconds: Double) -> String {
        if seconds < 90 { return String(format: "%.0f s", seconds) }
        if seconds < 5400 { return String(format: "%.0f min", seconds / 60) }
        return String(format: "%.1f h", seconds / 3600)
    }
}
