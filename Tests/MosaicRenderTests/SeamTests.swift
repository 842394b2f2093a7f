import MosaicDiffusion
import MosaicImage
import MosaicTensor
import Testing

@testable import MosaicRender

/// The sync removes seams and the metric sees them: a 2048x2048, 30-step version of the
/// foundation's 8192x8192 check (the full size runs in `mosaic-bench render`). With a quarter of
/// the edges the score is noisier, so `shifted` gets a looser bound here (1.15 instead of 1.10).
@Suite struct SeamTests {
    func seamScore(_ tiling: TilingMethod) throws -> Double {
        BLAS.useSingleThread()
        let parameters = RenderParameters(
            prompt: "vast misty ocean at dusk, waves", width: 2048, height: 2048, steps: 30, seed: 7, tiling: tiling)
        let pool = WorkerPool(threadCount: 2)
        defer { pool.shutdown() }
        let renderer = try Renderer(parameters: parameters, pool: pool)
        try renderer.run()
        return try SeamCheck.measure(try renderer.decodeImage(pool: pool), metadata: renderer.metadata).score
    }

    @Test func overlapSyncLeavesNoSeamsWhileIndependentTilesDo() throws {
        let overlap = try seamScore(.overlap)
        let none = try seamScore(.none)
        let shifted = try seamScore(.shifted)
        #expect(overlap <= 1.05, "overlap \(overlap)")
        #expect(none >= 1.5, "none \(none)")
        #expect(shifted <= 1.15, "shifted \(shifted)")
    }
}
