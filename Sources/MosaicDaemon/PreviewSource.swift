import MosaicDiffusion
import MosaicImage
import MosaicRender
import MosaicTensor

/// A running job's latest ``PreviewLatent``, decoded on request into a small WebP (at most
/// 1024 px on the long side).
struct PreviewSource: Sendable {
    let latent: PreviewLatent
    let model: any DiffusionModel

    func webp() throws -> [UInt8] {
        let width = latent.width, height = latent.height
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
