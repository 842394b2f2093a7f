import MosaicAPI

extension MosaicClient {
    /// Uploads a PNG, JPEG or WebP file's bytes (`POST /v1/images`) for use as an init image.
    public func uploadImage(_ bytes: [UInt8]) throws(ClientError) -> ImageRecord {
        var request = HTTPRequest(method: "POST", target: "/v1/images", body: bytes)
        request.contentType = "application/octet-stream"
        let (head, body) = try exchange(request)
        guard (200..<300).contains(head.status) else { throw APIErrorMapping.error(status: head.status, body: body) }
        return try decode(ImageRecord.self, from: body)
    }

    /// The caller's images, newest first; root and the admin group get everyone's (`GET /v1/images`).
    public func images() throws(ClientError) -> [ImageRecord] {
        try call("GET", "/v1/images", as: ImageList.self).images
    }

    /// One image's record (`GET /v1/images/{id}`).
    public func image(_ id: Int64) throws(ClientError) -> ImageRecord {
        try call("GET", "/v1/images/\(id)")
    }

    /// The stored pixels as lossless WebP, upright and opaque (`GET /v1/images/{id}/content`).
    public func imageContent(_ id: Int64) throws(ClientError) -> [UInt8] {
        try send("GET", "/v1/images/\(id)/content")
    }

    /// Removes an image no job names (`DELETE /v1/images/{id}`); returns its record as it was.
    public func removeImage(_ id: Int64) throws(ClientError) -> ImageRecord {
        try call("DELETE", "/v1/images/\(id)")
    }
}
