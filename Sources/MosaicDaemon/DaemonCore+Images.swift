import Dispatch
import Foundation
import MosaicAPI
import MosaicImage
import MosaicStore

/// `/v1/images`: uploads, their records and files; private to their uploader, root and the
/// admin group.
extension DaemonCore {
    /// Where uploads are decoded: one at a time, since a picture at `max_image_pixels` takes
    /// gigabytes while it is decoded and encoded, beside the render's memory.
    static let uploads = DispatchQueue(label: "mosaicd.image-uploads", qos: .utility)

    /// `POST /v1/images`: the body is the file. Decoding a large picture takes seconds of CPU,
    /// so it runs on a thread of its own (`uploads`), not on the tasks that serve the socket.
    func uploadImage(_ request: HTTPRequest) async throws(APIError) -> HTTPResponse {
        let owner = Owner(uid: request.peer.uid, name: Accounts.userName(of: request.peer.uid))
        let images = self.images
        let body = request.body
        let result = await withCheckedContinuation {
            (continuation: CheckedContinuation<Result<ImageRecord, ImageLibraryError>, Never>) in
            Self.uploads.async {
                continuation.resume(
                    returning: Result { () throws(ImageLibraryError) in
                        try images.upload(body, owner: owner, now: Date())
                    })
            }
        }
        switch result {
        case .success(let record):
            logger.info(
                "image \(record.id) uploaded by \(owner.name): \(record.format), \(record.width)x\(record.height) px, \(record.bytes) bytes"
            )
            return .json(record, status: .created)
        case .failure(let error): throw apiError(error)
        }
    }

    /// `GET /v1/images`: the caller's images; root and the admin group see everyone's.
    func listImages(_ request: HTTPRequest) throws(APIError) -> HTTPResponse {
        let owner: UInt32? = authorization.isAdmin(request.peer) ? nil : request.peer.uid
        do {
            return .json(ImageList(images: try images.list(ownerUID: owner)))
        } catch {
            throw apiError(error)
        }
    }

    /// `GET /v1/images/{id}/content`: the stored lossless WebP (upright, opaque pixels).
    func imageContent(_ request: HTTPRequest, _ captures: [String: String]) throws(APIError) -> HTTPResponse {
        let record = try usableImage(request, captures, action: "read")
        do {
            return HTTPResponse(contentType: "image/webp", body: .bytes(try images.contents(of: record)))
        } catch {
            throw apiError(error)
        }
    }

    /// `DELETE /v1/images/{id}`: 409 while a job that is not removed names it.
    func removeImage(_ request: HTTPRequest, _ captures: [String: String]) throws(APIError) -> HTTPResponse {
        let record = try usableImage(request, captures, action: "remove")
        do {
            return .json(try images.remove(id: record.id))
        } catch {
            throw apiError(error)
        }
    }

    /// The image named by the `id` capture if `request`'s peer may `action` it: 404, or 403.
    func usableImage(_ request: HTTPRequest, _ captures: [String: String], action: String) throws(APIError)
        -> ImageRecord
    {
        guard let text = captures["id"], let id = Int64(text), id > 0 else {
            throw APIError(.notFound, "no image '\(captures["id"] ?? "")' (image ids are positive integers)")
        }
        return try usableImage(id: id, by: request.peer, action: action)
    }

    /// Image `id` if `peer` may `action` it: 404, or 403.
    func usableImage(id: Int64, by peer: PeerCredentials, action: String) throws(APIError) -> ImageRecord {
        let found: ImageRecord?
        do { found = try images.record(id: id) } catch { throw apiError(error) }
        guard let record = found else { throw APIError(.notFound, "no image \(id)") }
        try authorization.checkUse(record, by: peer, action: action)
        return record
    }

    /// Maps an image library failure to the API's error: the upload's fault is 4xx.
    func apiError(_ error: ImageLibraryError) -> APIError {
        switch error {
        case .decode(let decode):
            switch decode {
            case .unknownFormat, .corrupt: return APIError(.badRequest, "invalid image: \(decode)")
            case .tooLarge, .translucent, .cmyk, .outOfMemory:
                return APIError(.unprocessable, "unusable image: \(decode)")
            }
        case .store(.imageNotFound(let id)): return APIError(.notFound, "no image \(id)")
        case .store(.imageInUse): return APIError(.conflict, error.description)
        case .store(let store): return apiError(store)
        case .encode, .file, .storedFileCorrupt:
            logger.error("images: \(error)")
            return APIError(.internal, "\(error)")
        }
    }
}
