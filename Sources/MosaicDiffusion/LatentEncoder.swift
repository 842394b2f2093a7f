import MosaicTensor

/// Turns interleaved 8-bit RGB pixels into the latent distribution a ``LatentDecoder`` inverts:
/// the start of image-to-image.
public protocol LatentEncoder: Sendable {
    /// Encodes `rgb` (`width x height` px, 3 bytes each; both sides multiples of the model's
    /// latent scale) into the posterior over the `channels x height/scale x width/scale` latent.
    func encode(
        rgb: UnsafeBufferPointer<UInt8>, width: Int, height: Int, pool: WorkerPool
    ) throws -> LatentDistribution
}
