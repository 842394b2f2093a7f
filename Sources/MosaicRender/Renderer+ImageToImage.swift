import MosaicCheckpoint
import MosaicDiffusion
import MosaicImage
import MosaicTensor

extension Renderer {
    /// Checks that `image` is the init image `parameters` name: their size, their digest.
    static func check(_ image: RGBImage, against parameters: RenderParameters) throws(RenderError) {
        guard let expected = parameters.initImage else {
            throw .initImage("an init image was given but the parameters name none")
        }
        guard image.width == parameters.width, image.height == parameters.height else {
            throw .initImage(
                "\(image.width)x\(image.height) px, the render is \(parameters.width)x\(parameters.height) px "
                    + "(resize it first)")
        }
        let digest = ImageDigest.hex(of: image)
        guard digest == expected else {
            throw .initImage("its pixels' digest is \(digest), the parameters name \(expected)")
        }
    }

    /// The state image-to-image starts from, as `StableDiffusionImg2ImgPipeline.prepare_latents`
    /// builds it: the encoder's sample drawn from the seed's generator, then noise of the
    /// latent's size from the same generator, mixed by the sampler's `add_noise` at the first
    /// step, which `sampler` begins at (diffusers' `set_begin_index`).
    static func imageToImageStart(
        image: RGBImage, parameters: RenderParameters, model: any DiffusionModel, sampler: inout any Sampler,
        pool: WorkerPool
    ) throws(RenderError) -> RenderState {
        let first = firstStep(of: parameters)
        let distribution: LatentDistribution
        do {
            let encoder = try model.makeEncoder()
            distribution = try image.pixels.withUnsafeBufferPointer { pixels in
                try encoder.encode(rgb: pixels, width: image.width, height: image.height, pool: pool)
            }
        } catch {
            throw .initImage("encoding failed: \(error)")
        }
        let expected = model.latentChannels * parameters.latentWidth * parameters.latentHeight
        guard distribution.mean.count == expected else {
            throw .initImage("the encoder gave \(distribution.mean.count) latent values, the render has \(expected)")
        }
        var generator = TorchGenerator(seed: parameters.seed)
        var latent = distribution.sample(generator: &generator)
        let noise = generator.normal(count: latent.count)
        do {
            try sampler.begin(at: first)
            try noise.withUnsafeBufferPointer { noise throws(SamplerError) in
                try latent.withUnsafeMutableBufferPointer { sample throws(SamplerError) in
                    try sampler.addNoise(to: sample, noise: noise, step: first)
                }
            }
        } catch {
            throw .sampler(String(describing: error))
        }
        return RenderState(step: first, latent: latent, samplerHistory: sampler.history, generator: generator)
    }
}
