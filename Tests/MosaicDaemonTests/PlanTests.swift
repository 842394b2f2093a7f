import Foundation
import MosaicAPI
import MosaicClient
import MosaicTestSupport
import Testing

/// `POST /v1/plan` on the real daemon: the stages of a render and their tile evaluations, the
/// time once the daemon has measured its tiles, and nothing queued.
@Suite(.serialized) struct PlanTests {
    @Test func aPlanCountsEachStageAndLearnsTheRateFromRenders() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        let client = daemon.client
        // mosaic-field has no native size: direct unless stages are given.
        let direct = try client.plan(SubmitRequest(render: smallRender(side: 1024, steps: 10)))
        #expect(direct.stages.count == 1)
        #expect(direct.render.stages == StageRequest.none)
        // 1024 px = 128 latent px: tiles of 64 overlapping by 16 are 3 x 3.
        #expect(direct.stages[0].tileEvaluations == 9 * 10 && direct.tileEvaluations == 90)
        #expect(direct.secondsPerTile == nil && direct.etaSeconds == nil && direct.measuredTiles == 0)

        var staged = smallRender(side: 1024, steps: 10)
        staged.stages = .sides([256, 512, 1024])
        staged.strengths = [1, 0.5, 0.3]
        let plan = try client.plan(SubmitRequest(render: staged))
        #expect(plan.stages.map(\.width) == [256, 512, 1024])
        #expect(plan.stages.map(\.steps) == [10, 5, 3])
        #expect(plan.stages.map(\.tileEvaluations) == [10, 5, 27])
        #expect(plan.tileEvaluations == 42 && plan.directTileEvaluations == 90)
        #expect(plan.render.upscaler == "lanczos")
        #expect(try client.status().counts["queued"] == 0, "a plan queues nothing")

        let job = try client.submit(SubmitRequest(render: smallRender(side: 512, steps: 3)))
        _ = try daemon.waitFor(job.id) { $0.state.isFinished }
        let measured = try client.plan(SubmitRequest(render: staged))
        let rate = try #require(measured.secondsPerTile)
        #expect(measured.measuredTiles == 3 && rate > 0)
        #expect(abs((measured.etaSeconds ?? 0) - rate * 42) < 1e-9)
        #expect(measured.text.contains("total: 42 tile evaluations (a direct render: 90)"))

        staged.strengths = [1, 0.5]
        let refusal = #expect(throws: ClientError.self) { try client.plan(SubmitRequest(render: staged)) }
        #expect(refusal?.httpStatus == 400)
        #expect(refusal?.description.contains("invalid strengths: 2 strengths for 3 stages") == true)
    }
}
