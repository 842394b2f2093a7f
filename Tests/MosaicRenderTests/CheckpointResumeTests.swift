import Foundation
import MosaicCheckpoint
import MosaicDiffusion
import MosaicTensor
import Testing

@testable import MosaicRender

/// The point of checkpoints: a render stopped after any step and resumed from its checkpoint
/// on disk ends bit-identical to an uninterrupted one.
@Suite struct CheckpointResumeTests {
    @Test(arguments: [SamplerKind.dpmpp2m, .eulerAncestral, .ddim])
    func resumedRenderIsBitIdentical(sampler: SamplerKind) throws {
        BLAS.useSingleThread()
        let parameters = RenderParameters(
            prompt: "harbour at dawn", width: 256, height: 192, steps: 5, sampler: sampler, seed: 77,
            tiling: .shifted, tileSize: 16, tileOverlap: 4)
        let (uninterrupted, _) = try render(parameters, threads: 2)

        let pool = WorkerPool(threadCount: 2)
        defer { pool.shutdown() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "mosaic-resume-\(UUID().uuidString)"
        ).path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = CheckpointStore(directory: directory, faults: .none)
        let first = try Renderer(parameters: parameters, pool: pool)
        for _ in 0..<3 {
            try first.step()
            try store.write(first.state, parametersHash: parameters.checkpointHash, plan: first.plan)
        }
        let (checkpoint, notes) = store.loadNewestValid(parametersHash: parameters.checkpointHash)
        #expect(notes.isEmpty)
        let loaded = try #require(checkpoint)
        #expect(loaded.state.step == 3)
        #expect(loaded.plan == first.plan)

        let resumed = try Renderer(parameters: parameters, catalog: .builtIn, pool: pool, state: loaded.state)
        try resumed.run()
        #expect(Self.sameBits(resumed.state, uninterrupted))
    }

    /// Bitwise equality of two states (== would fail on NaN and pass -0 for 0).
    static func sameBits(_ a: RenderState, _ b: RenderState) -> Bool {
        func bits(_ values: [Float]) -> [UInt32] { values.map(\.bitPattern) }
        var ha = a.samplerHistory
        var hb = b.samplerHistory
        let same = bits(a.latent) == bits(b.latent) && bits(ha.previousDenoised) == bits(hb.previousDenoised)
        ha.previousDenoised = []
        hb.previousDenoised = []
        return same && a.step == b.step && ha == hb && a.generator == b.generator
    }
}
