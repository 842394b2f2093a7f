/// An uploaded file decoded: its pixels upright and opaque, and what it was.
public struct DecodedImage: Sendable, Equatable {
    /// The pixels, with the EXIF orientation applied and any opaque alpha dropped.
    public var image: RGBImage
    /// The file's format.
    public var format: ImageFormat
    /// The EXIF orientation that was applied (`.up` when the file had none).
    public var orientation: ExifOrientation

    /// Creates a decoded image.
    public init(image: RGBImage, format: ImageFormat, orientation: ExifOrientation) {
        self.image = image
        self.format = format
        self.orientation = orientation
    }
}
