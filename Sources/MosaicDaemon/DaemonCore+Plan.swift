import MosaicAPI
import MosaicRender

extension DaemonCore {
    /// `POST /v1/plan`: the stages of the render a `POST /v1/jobs` body asks for, their tile
    /// evaluations, and the time at this daemon's measured rate; nothing is queued.
    func plan(_ request: HTTPRequest) throws(APIError) -> HTTPResponse {
        try StrictFields.checkUTF8(request.body)
        try StrictFields.check(request.body, allowed: StrictFields.submit, nested: ["render": StrictFields.render])
        let submission = try decode(SubmitRequest.self, from: request, numbers: NumericFieldProbe.submit)
        // The seed only moves shifted tilings' grids; a plan does not fix one.
        let spec = try submission.render.resolved(catalog: catalog) { submission.render.seed ?? 0 }
        let parameters = try spec.parameters()
        let staged: StagePlan
        let direct: StagePlan
        do {
            staged = try StagePlan(parameters: parameters)
            var single = parameters
            single.stages = []
            single.strengths = []
            direct = try StagePlan(parameters: single)
        } catch {
            throw APIError(.badRequest, "invalid tiling: \(error)")
        }
        let rate = worker.tileRates.secondsPerTile(model: parameters.model, tileSize: parameters.tileSize)
        let stages = staged.stages.map { stage in
            PlannedStage(
                index: stage.index, width: stage.width, height: stage.height, strength: stage.strength,
                steps: stage.steps, tileEvaluations: stage.tileEvaluations,
                etaSeconds: rate.map { $0.seconds * Double(stage.tileEvaluations) })
        }
        var shown = spec
        if submission.render.seed == nil { shown.seed = nil }
        return .json(
            RenderPlan(
                render: shown, stages: stages, tileEvaluations: staged.tileEvaluations,
                directTileEvaluations: direct.tileEvaluations, secondsPerTile: rate?.seconds,
                measuredTiles: rate?.tiles ?? 0, etaSeconds: rate.map { $0.seconds * Double(staged.tileEvaluations) }))
    }
}
