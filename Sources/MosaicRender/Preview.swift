import MosaicDiffusion
import MosaicImage
import MosaicTensor

/// A running render's latest ``PreviewLatent`` with the model that decodes it: kept cheaply after
/// a step and decoded only when someone asks for it.
public struct Preview: Sendable {
    /// The box-averaged prediction of the clean latent.
    public let latent: PreviewLatent
    /// The model whose decoder turns it into pixels.
    public let model: any DiffusionModel

    /// A preview of `latent`, to be decoded by `model`.
    public init(latent: PreviewLatent, model: any DiffusionModel) {
        self.latent = latent
        self.model = model
    }

    /// The preview as a small lossy WebP (at most 1024 px on the long side), decoded on a
    /// one-thread pool of its own: the render's pool belongs to the thread stepping the render.
    public func webp() throws -> [UInt8] {
        let width = latent.width
        let height = latent.height
        let scale = model.latentScale
        var image = try RGBImage(width: width * scale, height: height * scale)
        let pool = WorkerPool(threadCount: 1)
        defer { pool.shutdown() }
        let decoder = model.makeDecoder()
        try latent.values.withUnsafeBufferPointer { values in
            try image.withUnsafeMutablePixels { rgb in
                try decoder.decode(latent: values, width: width, height: height, into: rgb, pool: pool)
            }
        }
        return try WebPEncoder(.lossy(quality: 80)).encode(image)
    }
}

extension Renderer {
    /// The preview as of the last step that computed one (see ``computesPreview``), if any.
    public var latestPreview: Preview? { preview.map { Preview(latent: $0, model: model) } }
}
