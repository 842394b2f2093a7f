import MosaicDiffusion
import MosaicImage
import MosaicRender
import MosaicTensor

/// The model's current prediction of a running job's final latent, decoded on request into a
/// small WebP (at most 1024 px on the long side).
struct PreviewSource: Sendable {
    let prediction: [Float]
    let latentWidth: Int
    let latentHeight: Int
    let model: any DiffusionModel

    /// The longest preview side in latent pixels (1024 image px).
    static let maxLatentSide = 128

    func webp() throws -> [UInt8] {
        let factor = max(1, (max(latentWidth, latentHeight) + Self.maxLatentSide - 1) / Self.maxLatentSide)
        let width = max(1, latentWidth / factor), height = max(1, latentHeight / factor)
        let channels = model.latentChannels
        // Box-average factor x factor blocks.
        var small = [Float](repeating: 0, count: channels * width * height)
        let norm = 1 / Float(factor * factor)
        for c in 0..<channels {
            for y in 0..<height {
                for x in 0..<width {
                    var sum: Float = 0
                    for dy in 0..<factor {
                        let row = (c * latentHeight + y * factor + dy) * latentWidth + x * factor
                        for dx in 0..<factor { sum += prediction[row + dx] }
                    }
                    small[(c * height + y) * width + x] = sum * norm
                }
            }
        }
        let scale = model.latentScale
        var image = try RGBImage(width: width * scale, height: height * scale)
        let pool = WorkerPool(threadCount: 1)
        defer { pool.shutdown() }
        let decoder = model.makeDecoder()
        try small.withUnsafeBufferPointer { latent in
            try image.withUnsafeMutablePixels { rgb in
                try decoder.decode(latent: latent, width: width, height: height, into: rgb, pool: pool)
            }
        }
        return try WebPEncoder(.lossy(quality: 80)).encode(image)
    }
}
