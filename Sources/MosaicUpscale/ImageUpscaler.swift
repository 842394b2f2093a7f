import MosaicImage
import MosaicTensor

/// Something that enlarges an 8-bit RGB image by a whole factor (an upscaler model, or a resampler).
public protocol ImageUpscaler: Sendable {
    /// Each side of the output is `scale` times the input's.
    var scale: Int { get }
    /// The image enlarged by `scale`, computed on `pool`'s threads.
    func upscale(_ image: RGBImage, pool: WorkerPool) throws -> RGBImage
}
