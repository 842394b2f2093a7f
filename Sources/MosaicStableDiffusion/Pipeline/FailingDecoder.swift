import MosaicDiffusion
import MosaicTensor

/// A decoder standing in for one that could not be built: it reports the build error on use, so
/// the render fails with the reason (`DiffusionModel.makeDecoder` cannot throw).
struct FailingDecoder: LatentDecoder {
    let error: any Error

    func decode(
        latent: UnsafeBufferPointer<Float>, width: Int, height: Int,
        into rgb: UnsafeMutableBufferPointer<UInt8>, pool: WorkerPool
    ) throws {
        throw error
    }
}
