extension RGBImage {
    /// This image resized to `width` x `height` with Lanczos-3, as Pillow's `Image.LANCZOS`.
    public func resizedLanczos(width: Int, height: Int, threads: Int = 1) throws(ImageError) -> RGBImage {
        try LanczosResampler.resize(self, width: width, height: height, threads: threads)
    }
}
