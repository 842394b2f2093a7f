import Foundation

/// Names the number field that JSONDecoder refused without a coding path: a seed of -1 or
/// 2^64, a width of 1e30. Each known number field is decoded again on its own, as its type.
enum NumericFieldProbe {
    /// A number field of a request body and its Swift type.
    struct Field: Sendable {
        /// The keys from the top of the body, e.g. `["render", "seed"]`.
        let path: [String]
        /// How the field decodes.
        let kind: Kind

        /// The dotted name the API's messages use.
        var name: String { path.joined(separator: ".") }
    }

    /// The number types of the API.
    enum Kind: Sendable {
        case int, uint64, float, double

        /// How a message describes it.
        var description: String {
            switch self {
            case .int: "an integer"
            case .uint64: "an integer in 0...18446744073709551615"
            case .float: "a number within single precision"
            case .double: "a number"
            }
        }
    }

    /// The number fields of `SubmitRequest`.
    static let submit: [Field] = [
        Field(path: ["priority"], kind: .int),
        Field(path: ["render", "width"], kind: .int), Field(path: ["render", "height"], kind: .int),
        Field(path: ["render", "steps"], kind: .int), Field(path: ["render", "seed"], kind: .uint64),
        Field(path: ["render", "guidance"], kind: .float), Field(path: ["render", "tile_size"], kind: .int),
        Field(path: ["render", "tile_overlap"], kind: .int), Field(path: ["render", "quality"], kind: .float),
        Field(path: ["render", "strength"], kind: .float),
    ]

    /// The number fields of `PruneRequest`.
    static let prune: [Field] = [Field(path: ["older_than_seconds"], kind: .double)]

    /// The first of `fields` that does not decode as its type, if `body` is valid JSON.
    static func firstInvalid(in body: [UInt8], fields: [Field]) -> Field? {
        let data = Data(body)
        guard let key = Probe.fieldKey, (try? JSONSerialization.jsonObject(with: data)) != nil else { return nil }
        for field in fields {
            let decoder = JSONDecoder()
            decoder.userInfo[key] = field
            if (try? decoder.decode(Probe.self, from: data)) == nil { return field }
        }
        return nil
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Decodes the one field named in the decoder's user info; absent fields pass.
    private struct Probe: Decodable {
        static let fieldKey = CodingUserInfoKey(rawValue: "mosaic.probe.field")

        init(from decoder: Decoder) throws {
            guard let key = Self.fieldKey, let field = decoder.userInfo[key] as? Field, let last = field.path.last
            else { return }
            var container = try decoder.container(keyedBy: Key.self)
            for name in field.path.dropLast() {
                guard container.contains(Key(name)) else { return }
                container = try container.nestedContainer(keyedBy: Key.self, forKey: Key(name))
            }
            guard container.contains(Key(last)), try !container.decodeNil(forKey: Key(last)) else { return }
            switch field.kind {
            case .int: _ = try container.decode(Int.self, forKey: Key(last))
            case .uint64: _ = try container.decode(UInt64.self, forKey: Key(last))
            case .float: _ = try container.decode(Float.self, forKey: Key(last))
            case .double: _ = try container.decode(Double.self, forKey: Key(last))
            }
        }
    }
}
