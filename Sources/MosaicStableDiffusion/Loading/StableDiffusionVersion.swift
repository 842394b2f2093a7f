/// The model families Mosaic loads.
public enum StableDiffusionVersion: String, Sendable, Equatable, CaseIterable {
    /// SD 1.x: OpenAI CLIP ViT-L/14 text encoder (quick_gelu), 1x1-conv attention projections.
    case v1
    /// SD 2.x: OpenCLIP ViT-H text encoder (gelu), linear attention projections.
    case v2
}
