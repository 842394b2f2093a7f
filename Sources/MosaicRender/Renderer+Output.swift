import Foundation
import MosaicCheckpoint
import MosaicDiffusion
import MosaicImage
import MosaicTensor

/// How the finished image is stored.
public enum OutputEncoding: Sendable, Equatable {
    /// Lossy WebP at `quality` (0...100).
    case lossy(quality: Float)
    /// Lossless WebP: the exact rendered pixels.
    case lossless
}

extension Renderer {
    /// The parameters as embedded in the output's XMP.
    public var metadata: RenderMetadata {
        RenderMetadata(
            parameters: parameters, guidance: parameters.guidanceScale ?? model.defaultGuidanceScale, plan: plan)
    }

    /// Decodes the current latent to RGB at full resolution.
    public func decodeImage(pool: WorkerPool) throws(RenderError) -> RGBImage {
        if isFinished { model.releaseDenoiserMemory() }
        let decoder = model.makeDecoder()
        do {
            var image = try RGBImage(width: parameters.width, height: parameters.height)
            try state.latent.withUnsafeBufferPointer { latent in
                try image.withUnsafeMutablePixels { rgb in
                    try decoder.decode(
                        latent: latent, width: parameters.latentWidth, height: parameters.latentHeight,
                        into: rgb, pool: pool)
                }
            }
            return image
        } catch {
            throw .decode(String(describing: error))
        }
    }

    /// Encodes `image` as WebP with the parameters in its XMP and writes it atomically.
    public func write(_ image: RGBImage, to url: URL, encoding: OutputEncoding) throws(RenderError) {
        let encoder =
            switch encoding {
            case .lossless: WebPEncoder(.lossless)
            case .lossy(let quality): WebPEncoder(.lossy(quality: quality))
            }
        let bytes: [UInt8]
        do { bytes = try encoder.encode(image, xmp: XMPPacket.wrap(json: metadata.json())) } catch {
            throw .output(path: url.path, message: error.description)
        }
        do { try BinaryFile.writeAtomically(bytes, to: url.path) } catch {
            throw .output(path: url.path, message: error.description)
        }
    }
}
