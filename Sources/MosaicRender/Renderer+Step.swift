import Foundation
import MosaicCheckpoint
import MosaicDiffusion
import MosaicTensor
import Synchronization

extension Renderer {
    /// Takes the next denoising step: every tile's model output, the sync, one sampler step.
    ///
    /// - Parameters:
    ///   - reuse: model outputs of this step's tiles saved before a crash, by tile index; they
    ///     are used instead of evaluating those tiles again (they depend only on the state).
    ///   - onTileOutput: called with each freshly evaluated tile's output (to journal it).
    ///   - onTile: called after each tile (evaluated or reused) with the tiles done, the tiles of
    ///     the step, and the evaluation's duration in seconds (0 when reused). Both callbacks run
    ///     on worker threads; `onTile` one call at a time.
    public func step(
        reuse: [Int: [Float]] = [:],
        onTileOutput: (@Sendable (_ tile: Int, _ output: UnsafeBufferPointer<Float>) -> Void)? = nil,
        onTile: @Sendable (_ done: Int, _ total: Int, _ seconds: Double) -> Void = { _, _, _ in }
    ) throws(RenderError) {
        let index = state.step
        guard index < parameters.steps else { return }
        let tiles = plan.tiles(step: index)
        let channels = model.latentChannels
        var offsets = [Int]()
        var total = 0
        for tile in tiles {
            offsets.append(total)
            total += channels * tile.area
        }
        let level = NoiseLevel(timestep: sampler.timesteps[index], sigma: sampler.sigmas[index])
        let inputScale = sampler.modelInputScale(step: index)

        if tileOutputs.count < total { tileOutputs = [Float](repeating: 0, count: total) }
        try evaluateTiles(
            tiles, offsets: offsets, level: level, inputScale: inputScale, into: &tileOutputs, reuse: reuse,
            onTileOutput: onTileOutput, onTile: onTile)

        let width = parameters.latentWidth
        let height = parameters.latentHeight
        if fusedOutput.count != channels * width * height {
            fusedOutput = [Float](repeating: 0, count: channels * width * height)
        }
        tileOutputs.withUnsafeBufferPointer { outputBuffer in
            fusedOutput.withUnsafeMutableBufferPointer { canvas in
                fusion.fuse(
                    method: plan.method, tiles: tiles, outputs: outputBuffer, offsets: offsets,
                    canvas: canvas, channels: channels, width: width, height: height, pool: pool)
            }
        }
        if computesPreview {
            preview = state.latent.withUnsafeBufferPointer { latent in
                fusedOutput.withUnsafeBufferPointer { noise in
                    PreviewLatent.predicting(
                        latent: latent, noise: noise, channels: channels, latentWidth: width, latentHeight: height,
                        inputScale: inputScale, alphaCumprod: level.alphaCumprod, pool: pool)
                }
            }
        }
        // The latent and the sampler's history step in place: copied only while the checkpoint
        // writer still holds the previous state. The state lets go of its reference to the
        // history first, or the canvas-sized history would be copied on write every step.
        // Samplers check their arguments before they change anything.
        var generator = state.generator
        state.samplerHistory.previousDenoised = []
        do {
            try fusedOutput.withUnsafeBufferPointer { modelOutput in
                try state.latent.withUnsafeMutableBufferPointer { sample in
                    try sampler.step(modelOutput: modelOutput, sample: sample, step: index, noise: &generator)
                }
            }
        } catch {
            state.samplerHistory = sampler.history
            throw .sampler(String(describing: error))
        }
        state.generator = generator
        state.samplerHistory = sampler.history
        state.step = index + 1
        // The decode that follows the last step must not find the scratch still held: the
        // admission estimate counts it only while steps run.
        if isFinished {
            tileOutputs = []
            fusedOutput = []
        }
    }

    /// Evaluates (or reuses) every tile's model output in parallel into `outputs`.
    func evaluateTiles(
        _ tiles: [TileRect], offsets: [Int], level: NoiseLevel, inputScale: Float, into outputs: inout [Float],
        reuse: [Int: [Float]], onTileOutput: (@Sendable (Int, UnsafeBufferPointer<Float>) -> Void)?,
        onTile: @Sendable (Int, Int, Double) -> Void
    ) throws(RenderError) {
        let index = state.step
        let channels = model.latentChannels
        let width = parameters.latentWidth
        let plane = width * parameters.latentHeight
        let failure = Mutex<RenderError?>(nil)
        let counter = Mutex(0)
        let denoiser = self.denoiser
        let cancellation = self.cancellation
        state.latent.withUnsafeBufferPointer { latentBuffer in
            outputs.withUnsafeMutableBufferPointer { outputBuffer in
                guard let latent = latentBuffer.baseAddress, let out = outputBuffer.baseAddress else { return }
                pool.run(count: tiles.count) { item, _ in
                    if cancellation.isCanceled || failure.withLock({ $0 != nil }) { return }
                    let tile = tiles[item]
                    let size = channels * tile.area
                    let target = UnsafeMutableBufferPointer(start: out + offsets[item], count: size)
                    var seconds = 0.0
                    if let saved = reuse[item], saved.count == size {
                        _ = target.update(fromContentsOf: saved)
                    } else {
                        let input = UnsafeMutableBufferPointer<Float>.allocate(capacity: size)
                        defer { input.deallocate() }
                        guard let inputBase = input.baseAddress else { return }
                        for c in 0..<channels {
                            for row in 0..<tile.height {
                                let source = latent + c * plane + (tile.y + row) * width + tile.x
                                (inputBase + (c * tile.height + row) * tile.width).update(
                                    from: source, count: tile.width)
                            }
                        }
                        VectorKernels.scale(input, by: inputScale)
                        let started = DispatchTime.now().uptimeNanoseconds
                        do {
                            // Slow tiles on demand, for tests (Stable Diffusion tiles take seconds).
                            try FaultInjection.point("tile.evaluate")
                            try denoiser.predictNoise(
                                modelInput: UnsafeBufferPointer(input), tile: tile, level: level, output: target)
                        } catch {
                            failure.withLock { $0 = $0 ?? .model(tile: tile, step: index, message: "\(error)") }
                            return
                        }
                        seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
                        onTileOutput?(item, UnsafeBufferPointer(target))
                    }
                    counter.withLock { count in
                        count += 1
                        onTile(count, tiles.count, seconds)
                    }
                }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        if cancellation.isCanceled { throw .canceled(step: index) }
    }

    /// Runs the remaining steps, reporting progress after every tile and every step. Progress
    /// counts the steps the render takes (``stepsToRun``: `int(steps * strength)` for
    /// image-to-image), not the sampler's step indices.
    public func run(progress: @escaping @Sendable (RenderProgress) -> Void = { _ in }) throws(RenderError) {
        let started = Date()
        var durations = [Double]()
        let first = firstStep
        while !isFinished {
            let stepStarted = Date()
            let snapshot = RenderProgress(
                stepsDone: state.step - first, stepsTotal: stepsToRun, tilesDone: 0,
                tilesTotal: plan.tiles(step: state.step).count, elapsed: Date().timeIntervalSince(started),
                stepDurations: durations)
            try step(onTile: { done, total, _ in
                var report = snapshot
                report.tilesDone = done
                report.tilesTotal = total
                report.elapsed = Date().timeIntervalSince(started)
                progress(report)
            })
            durations.append(Date().timeIntervalSince(stepStarted))
            progress(
                RenderProgress(
                    stepsDone: state.step - first, stepsTotal: stepsToRun, tilesDone: 0, tilesTotal: 0,
                    elapsed: Date().timeIntervalSince(started), stepDurations: durations))
        }
    }
}
