/// Opens upscaler files by extension.
public enum WeightFiles {
    /// The `.safetensors` or `.pth` file at `path`.
    public static func open(_ path: String) throws(UpscalerError) -> any WeightFile {
        if path.hasSuffix(".safetensors") { return try SafeTensorsWeightFile(path: path) }
        if path.hasSuffix(".pth") { return try TorchWeightFile(path: path) }
        throw .unsupportedFileType(path: path)
    }
}
