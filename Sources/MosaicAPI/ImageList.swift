/// `GET /v1/images`: the caller's images (everyone's for root and the admin group), newest first.
public struct ImageList: Codable, Sendable, Equatable {
    /// The images.
    public var images: [ImageRecord]

    /// Creates a list.
    public init(images: [ImageRecord]) { self.images = images }
}
