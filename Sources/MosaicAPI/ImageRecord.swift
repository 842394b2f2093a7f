import Foundation

/// An uploaded image (`POST /v1/images`): what the daemon stored and whose it is.
public struct ImageRecord: Codable, Sendable, Equatable {
    /// The wire names: snake_case, spelled out.
    enum CodingKeys: String, CodingKey {
        case id, width, height, format, digest, bytes, owner
        case createdAt = "created_at"
    }

    /// The image's id, for `render.init_image`.
    public var id: Int64
    /// Width in pixels, upright (after the EXIF orientation).
    public var width: Int
    /// Height in pixels, upright.
    public var height: Int
    /// The uploaded file's format: `png`, `jpeg` or `webp`.
    public var format: String
    /// SHA-256 of the decoded, upright RGB pixels (`rgb8 WxH\n` + samples), 64 hex digits.
    public var digest: String
    /// The uploaded file's size in bytes.
    public var bytes: Int
    /// Who uploaded it.
    public var owner: Owner
    /// When it was uploaded.
    public var createdAt: Date

    /// Creates a record.
    public init(
        id: Int64, width: Int, height: Int, format: String, digest: String, bytes: Int, owner: Owner, createdAt: Date
    ) {
        self.id = id
        self.width = width
        self.height = height
        self.format = format
        self.digest = digest
        self.bytes = bytes
        self.owner = owner
        self.createdAt = createdAt
    }
}
