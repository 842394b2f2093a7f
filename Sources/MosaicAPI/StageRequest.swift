import Foundation

/// Which stages a staged render takes: on the wire the string `"auto"` or `"none"`, or an array
/// of sides (the long edge of each stage in px, the last one the job's size).
public enum StageRequest: Codable, Sendable, Equatable, CustomStringConvertible {
    /// Doublings from the model's native size (the default for Stable Diffusion renders above
    /// twice that size).
    case auto
    /// One direct render at the job's size.
    case none
    /// These long-edge sides, smallest first.
    case sides([Int])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let sides = try? container.decode([Int].self) {
            self = .sides(sides)
            return
        }
        let text = try container.decode(String.self)
        guard let parsed = StageRequest(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "stages must be \"auto\", \"none\" or an array of sides in px")
        }
        self = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .auto: try container.encode("auto")
        case .none: try container.encode("none")
        case .sides(let sides): try container.encode(sides)
        }
    }

    /// Parses the command line's form: `auto`, `none` or sides separated by commas (`512,1024,2048`).
    public init?(_ text: String) {
        switch text {
        case "auto": self = .auto
        case "none": self = .none
        default:
            let parts = text.split(separator: ",", omittingEmptySubsequences: false)
            let sides = parts.compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !parts.isEmpty, sides.count == parts.count else { return nil }
            self = .sides(sides)
        }
    }

    /// The command line's form.
    public var description: String {
        switch self {
        case .auto: return "auto"
        case .none: return "none"
        case .sides(let sides): return sides.map(String.init).joined(separator: ",")
        }
    }
}
