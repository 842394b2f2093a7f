import MosaicCheckpoint
import MosaicImage
import MosaicStore

/// Why the image library could not take, find or give an image.
public enum ImageLibraryError: Error, Sendable, CustomStringConvertible {
    /// The upload is no usable image.
    case decode(ImageDecodeError)
    /// The decoded pixels could not be encoded as lossless WebP.
    case encode(WebPError)
    /// The image's file could not be written, read or removed.
    case file(FileError)
    /// The stored file of image `id` does not decode: the state directory was tampered with.
    case storedFileCorrupt(id: Int64, path: String, reason: String)
    /// The queue database failed or refused.
    case store(StoreError)

    /// One sentence for logs and API error bodies.
    public var description: String {
        switch self {
        case .decode(let error): error.description
        case .encode(let error): "cannot store the image: \(error)"
        case .file(let error): "image file: \(error)"
        case .storedFileCorrupt(let id, let path, let reason): "image \(id)'s file \(path) is unreadable: \(reason)"
        case .store(let error): error.description
        }
    }
}
