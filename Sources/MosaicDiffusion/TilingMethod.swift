/// How a latent canvas is split into tiles and how the tiles' model outputs are fused.
public enum TilingMethod: String, CaseIterable, Sendable, Codable {
    /// Overlapping tiles; each latent pixel's model output is the weighted average over every
    /// tile that covers it (MultiDiffusion's closed-form least-squares fusion), then one sampler
    /// step is taken on the whole canvas.
    case overlap
    /// Non-overlapping tiles whose grid moves by a seeded offset every step (SpotDiffusion):
    /// no extra tile evaluations, seams never stay in one place.
    case shifted
    /// Non-overlapping tiles evaluated independently and pasted: for comparison only.
    case none
}

/// The weight each tile gives its pixels when overlapping outputs are averaged.
public enum TileWeighting: String, CaseIterable, Sendable, Codable {
    /// Every covered pixel weighs 1 (MultiDiffusion).
    case uniform
    /// A Gaussian centred on the tile (Mixture of Diffusers), so tile centres, which see the
    /// most context, dominate their edges.
    case gaussian
}
