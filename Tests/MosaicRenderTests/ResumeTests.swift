import MosaicDiffusion
import MosaicTensor
import Synchronization
import Testing

@testable import MosaicRender

/// A render continued from a saved state, with the finished tiles of an interrupted step reused,
/// ends bit-identical to an uninterrupted one, whatever the thread counts.
@Suite struct ResumeTests {
    @Test(arguments: [SamplerKind.eulerAncestral, .dpmpp2m, .dpmpp2mKarras])
    func resumingMidStepIsBitIdentical(sampler: SamplerKind) throws {
        BLAS.useSingleThread()
        let parameters = RenderParameters(
            prompt: "stormy sea", width: 512, height: 384, steps: 8, sampler: sampler,
            seed: 31, tiling: .shifted, tileSize: 16)
        let (uninterrupted, _) = try render(parameters, threads: 2)

        // First attempt: three steps, then a crash in the middle of the fourth.
        let first = WorkerPool(threadCount: 2)
        defer { first.shutdown() }
        let renderer = try Renderer(parameters: parameters, pool: first)
        for _ in 0..<3 { try renderer.step() }
        let checkpoint = renderer.state
        let journal = Mutex<[Int: [Float]]>([:])
        let flag = renderer.cancellation
        #expect(throws: RenderError.self) {
            try renderer.step(
                onTileOutput: { tile, output in journal.withLock { $0[tile] = Array(output) } },
                onTile: { done, _, _ in if done == 5 { flag.cancel() } })
        }
        let saved = journal.withLock { $0 }
        #expect(saved.count >= 5)

        // Second attempt on one thread, from the checkpoint, reusing the journaled tiles.
        let second = WorkerPool(threadCount: 1)
        defer { second.shutdown() }
        let resumed = try Renderer(parameters: parameters, catalog: .builtIn, pool: second, state: checkpoint)
        let evaluated = Mutex(0)
        try resumed.step(reuse: saved, onTileOutput: { _, _ in evaluated.withLock { $0 += 1 } })
        #expect(evaluated.withLock { $0 } == resumed.plan.tiles(step: 3).count - saved.count)
        while !resumed.isFinished { try resumed.step() }
        #expect(resumed.state == uninterrupted)
    }
}
