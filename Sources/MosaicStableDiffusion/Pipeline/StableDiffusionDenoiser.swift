import MosaicDiffusion
import MosaicTensor

/// Evaluates the UNet on one tile with classifier-free guidance as diffusers'
/// `StableDiffusionPipeline` does: the tile twice in one batch ([negative, positive] prompts),
/// `uncond + scale * (cond - uncond)`; v-prediction models' output turned into noise.
///
/// Reference: diffusers 0.42.1
/// `src/diffusers/pipelines/stable_diffusion/pipeline_stable_diffusion.py`.
struct StableDiffusionDenoiser: TileDenoiser {
    let unet: UNet2DConditionModel
    /// `[batch, tokens, cross_attention_dim]`: negative then positive prompt, or the positive only.
    let encoderHiddenStates: Tensor
    /// The guidance scale, or nil for a single unguided pass (guidance_scale <= 1).
    let guidanceScale: Float?
    let predictionType: SchedulerConfigFile.PredictionType

    func predictNoise(
        modelInput: UnsafeBufferPointer<Float>, tile: TileRect, level: NoiseLevel,
        output: UnsafeMutableBufferPointer<Float>
    ) throws {
        let channels = unet.config.inChannels
        let size = channels * tile.area
        guard modelInput.count == size, output.count == size else {
            throw StableDiffusionError.tileBufferSize(
                tile: tile, expected: size, input: modelInput.count, output: output.count)
        }
        let batch = guidanceScale == nil ? 1 : 2
        var scalars = [Float]()
        scalars.reserveCapacity(batch * size)
        for _ in 0..<batch { scalars.append(contentsOf: modelInput) }
        let sample = try Tensor(shape: [batch, channels, tile.height, tile.width], scalars: scalars)
        // Tiles run in parallel on the render's pool, so the UNet itself runs serially.
        let prediction = try unet(
            sample, timesteps: [Float(level.timestep)], encoderHiddenStates: encoderHiddenStates,
            context: .serial)
        prediction.scalars.withUnsafeBufferPointer { out in
            if let scale = guidanceScale {
                for i in 0..<size { output[i] = out[i] + scale * (out[size + i] - out[i]) }
            } else {
                for i in 0..<size { output[i] = out[i] }
            }
        }
        if predictionType == .vPrediction {
            // v = sqrt(a) eps - sqrt(1 - a) x0 and x_t = sqrt(a) x0 + sqrt(1 - a) eps, where x_t is
            // the model input, give eps = sqrt(a) v + sqrt(1 - a) x_t.
            let a = level.alphaCumprod
            let sa = Float(a.squareRoot())
            let sb = Float((1 - a).squareRoot())
            for i in 0..<size { output[i] = sa * output[i] + sb * modelInput[i] }
        }
    }
}
