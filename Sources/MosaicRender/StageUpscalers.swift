import MosaicImage
import MosaicTensor
import MosaicUpscale

/// Lanczos-3 resampling in pixel space, as Pillow's `Image.LANCZOS`: the default between stages.
public struct LanczosStageUpscaler: StageUpscaler {
    /// Creates the upscaler.
    public init() {}

    public func upscale(_ image: RGBImage, width: Int, height: Int, pool: WorkerPool) throws -> RGBImage {
        try LanczosResampler.resize(image, width: width, height: height, threads: pool.threadCount)
    }
}

/// An upscaler model (ESRGAN family) applied until the image is at least the stage's size, then
/// Lanczos to the exact size, as A1111's and ComfyUI's upscale-by-model steps do.
public struct ModelStageUpscaler: StageUpscaler {
    /// The model.
    public let model: any ImageUpscaler

    /// Creates the upscaler.
    public init(model: any ImageUpscaler) { self.model = model }

    public func upscale(_ image: RGBImage, width: Int, height: Int, pool: WorkerPool) throws -> RGBImage {
        var current = image
        while current.width < width || current.height < height {
            current = try model.upscale(current, pool: pool)
        }
        guard current.width != width || current.height != height else { return current }
        return try LanczosStageUpscaler().upscale(current, width: width, height: height, pool: pool)
    }
}

extension StagedRender {
    /// The upscaler the job names: Lanczos, or a model of `catalog`.
    public func upscaler(catalog: ModelCatalog) throws(RenderError) -> any StageUpscaler {
        guard parameters.upscaler != RenderParameters.lanczosUpscaler else { return LanczosStageUpscaler() }
        do { return ModelStageUpscaler(model: try catalog.upscalers.upscaler(named: parameters.upscaler)) } catch {
            throw .stageImage("cannot load upscaler \(parameters.upscaler): \(error)")
        }
    }
}
