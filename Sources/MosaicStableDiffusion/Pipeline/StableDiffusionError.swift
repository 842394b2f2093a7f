import MosaicDiffusion

/// Errors of running a Stable Diffusion model inside a render.
public enum StableDiffusionError: Error, CustomStringConvertible {
    /// A tile's input or output buffer does not hold `channels x height x width` values.
    case tileBufferSize(tile: TileRect, expected: Int, input: Int, output: Int)

    public var description: String {
        switch self {
        case .tileBufferSize(let tile, let expected, let input, let output):
            return "tile \(tile.width)x\(tile.height) at (\(tile.x), \(tile.y)) needs \(expected) values, "
                + "got an input of \(input) and an output of \(output)"
        }
    }
}
