import Foundation
import MosaicAPI
import MosaicCheckpoint
import MosaicImage
import MosaicRender
import MosaicStore
import Synchronization

/// Uploaded images: decoded and checked on arrival, kept as lossless WebP in the state
/// directory's `images/<digest>.webp` (one file per distinct picture, so the pixels are exact
/// and two uploads of one picture share it), with a row each in the queue's `images` table.
///
/// A refused upload leaves nothing behind: the file is written (atomically) only after the
/// decode succeeded, and the row only after the file. A file that no row names (a crash
/// between the two) is swept by `prune`. One lock orders file writes against removals, so a
/// removal never unlinks a file that a concurrent upload of the same picture has just named.
public final class ImageLibrary: Sendable {
    let store: JobStore
    /// `<state>/images`.
    public let directory: String
    /// The decoder, with the daemon's size limits (`max_image_pixels`).
    public let decoder: ImageDecoder
    private let files = Mutex(())

    /// A library over `store`'s rows and the files in `directory` (created if missing).
    public init(store: JobStore, directory: String, limits: ImageDecodeLimits) throws(ImageLibraryError) {
        self.store = store
        self.directory = directory
        decoder = ImageDecoder(limits: limits)
        // 0700: uploads are private to their owners, who read them only through the API.
        if mkdir(directory, 0o700) != 0, errno != EEXIST {
            throw .file(FileError(operation: "mkdir", path: directory, code: errno))
        }
    }

    /// The stored file of the picture with this digest.
    public func path(digest: String) -> String { "\(directory)/\(digest).webp" }

    /// Decodes `bytes`, stores the upright pixels and records the upload for `owner`.
    public func upload(_ bytes: [UInt8], owner: Owner, now: Date) throws(ImageLibraryError) -> ImageRecord {
        let decoded: DecodedImage
        do { decoded = try decoder.decode(bytes) } catch { throw .decode(error) }
        let digest = ImageDigest.hex(of: decoded.image)
        let webp: [UInt8]
        do { webp = try WebPEncoder(.lossless).encode(decoded.image) } catch { throw .encode(error) }
        return try files.withLock { _ throws(ImageLibraryError) -> ImageRecord in
            let file = path(digest: digest)
            if !FileManager.default.fileExists(atPath: file) {
                do throws(FileError) { try BinaryFile.writeAtomically(webp, to: file) } catch { throw .file(error) }
            }
            do throws(StoreError) {
                return try store.insertImage(
                    owner: owner, width: decoded.image.width, height: decoded.image.height,
                    format: decoded.format.rawValue, digest: digest, bytes: bytes.count, now: now)
            } catch {
                // No row names a file this upload created: take it back.
                if (try? store.imageDigests().contains(digest)) == false { unlink(file) }
                throw .store(error)
            }
        }
    }

    /// The record of image `id`, or nil.
    public func record(id: Int64) throws(ImageLibraryError) -> ImageRecord? {
        do { return try store.image(id: id) } catch { throw .store(error) }
    }

    /// The images of `ownerUID` (everyone's when nil), newest first.
    public func list(ownerUID: UInt32?) throws(ImageLibraryError) -> [ImageRecord] {
        do { return try store.images(ownerUID: ownerUID) } catch { throw .store(error) }
    }

    /// The stored lossless WebP of `record`.
    public func contents(of record: ImageRecord) throws(ImageLibraryError) -> [UInt8] {
        do { return try BinaryFile.contents(of: path(digest: record.digest)) } catch { throw .file(error) }
    }

    /// Image `id`'s pixels for the render worker: an img2img job's init image, upright RGB.
    public func initImage(id: Int64) throws(ImageLibraryError) -> RGBImage {
        guard let record = try record(id: id) else { throw .store(.imageNotFound(id)) }
        let bytes = try contents(of: record)
        do { return try WebPDecoder.decode(bytes) } catch {
            throw .storedFileCorrupt(id: id, path: path(digest: record.digest), reason: error.description)
        }
    }

    /// Deletes image `id` and, when no other upload shares its pixels, its file; refused
    /// (`StoreError.imageInUse`) while a job names it.
    public func remove(id: Int64) throws(ImageLibraryError) -> ImageRecord {
        try files.withLock { _ throws(ImageLibraryError) -> ImageRecord in
            let (image, digestInUse) = try removeRow(id)
            if !digestInUse { unlink(path(digest: image.digest)) }
            return image
        }
    }

    /// Deletes the images created at or before `olderThan` that no job names (`ownerUID`'s only
    /// when given), their files, and any file in the directory that no row names.
    public func prune(olderThan: Date?, ownerUID: UInt32?) throws(ImageLibraryError) -> [ImageRecord] {
        try files.withLock { _ throws(ImageLibraryError) -> [ImageRecord] in
            do throws(StoreError) {
                let (removed, unused) = try store.pruneImages(olderThan: olderThan, ownerUID: ownerUID)
                for digest in unused { unlink(path(digest: digest)) }
                let kept = try store.imageDigests()
                for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
                where !kept.contains(String(name.prefix { $0 != "." })) || !name.hasSuffix(".webp") {
                    unlink("\(directory)/\(name)")
                }
                return removed
            } catch {
                throw .store(error)
            }
        }
    }

    private func removeRow(_ id: Int64) throws(ImageLibraryError) -> (ImageRecord, Bool) {
        do { return try store.removeImage(id: id) } catch { throw .store(error) }
    }
}
