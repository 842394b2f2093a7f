/// Ancestral samplers draw their step noise from the render's torch-compatible generator.
extension TorchGenerator: NoiseSource {}
