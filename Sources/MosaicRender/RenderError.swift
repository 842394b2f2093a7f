import MosaicDiffusion

/// Why a render stopped.
public enum RenderError: Error, CustomStringConvertible {
    /// A parameter is out of range.
    case invalidParameters(RenderParameterError)
    /// No model has this name.
    case unknownModel(String, known: [String])
    /// The tile plan could not be made.
    case tilePlan(TilePlanError)
    /// The sampler refused a step or its set-up.
    case sampler(String)
    /// The model failed on a tile.
    case model(tile: TileRect, step: Int, message: String)
    /// The init image is missing, of another size or other pixels than the parameters name,
    /// or could not be encoded.
    case initImage(String)
    /// The image between two stages could not be read or enlarged.
    case stageImage(String)
    /// The decoder failed.
    case decode(String)
    /// The output file could not be encoded or written.
    case output(path: String, message: String)
    /// The render was cancelled between tile evaluations.
    case canceled(step: Int)

    public var description: String {
        switch self {
        case .invalidParameters(let error): return error.description
        case .unknownModel(let name, let known):
            return "unknown model '\(name)' (known: \(known.joined(separator: ", ")))"
        case .tilePlan(let error): return error.description
        case .sampler(let message): return "sampler: \(message)"
        case .model(let tile, let step, let message): return "model failed on tile \(tile) at step \(step): \(message)"
        case .initImage(let message): return "init image: \(message)"
        case .stageImage(let message): return "stage image: \(message)"
        case .decode(let message): return "decode: \(message)"
        case .output(let path, let message): return "cannot write \(path): \(message)"
        case .canceled(let step): return "canceled at step \(step)"
        }
    }
}
