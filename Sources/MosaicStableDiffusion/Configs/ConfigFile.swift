import Foundation

/// Reads diffusers/transformers `config.json` files with Foundation's decoder and turns its
/// errors into ``ModelLoadError/invalidConfig(path:reason:)`` naming the file and the key.
enum ConfigFile {
    /// Decodes the JSON file at `path` as `T`.
    static func decode<T: Decodable>(_ type: T.Type, path: String) throws(ModelLoadError) -> T {
        guard FileManager.default.fileExists(atPath: path) else { throw .missingFile(path: path) }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .unreadableFile(path: path, reason: error.localizedDescription)
        }
        return try decode(type, data: data, path: path)
    }

    /// Decodes `data` as `T`; `path` names the source in errors.
    static func decode<T: Decodable>(_ type: T.Type, data: Data, path: String) throws(ModelLoadError) -> T {
        do { return try JSONDecoder().decode(T.self, from: data) } catch let error as DecodingError {
            throw .invalidConfig(path: path, reason: reason(error))
        } catch let error as ModelLoadError {
            throw error
        } catch {
            throw .invalidConfig(path: path, reason: "\(error)")
        }
    }

    private static func reason(_ error: DecodingError) -> String {
        func keyPath(_ path: [any CodingKey]) -> String {
            path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = keyPath(context.codingPath)
            return "missing required key '\(parent.isEmpty ? key.stringValue : parent + "." + key.stringValue)'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "key '\(keyPath(context.codingPath))': \(context.debugDescription)"
        case .dataCorrupted(let context):
            let key = keyPath(context.codingPath)
            return key.isEmpty
                ? "not valid JSON: \(context.debugDescription)" : "key '\(key)': \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}

/// A JSON value that is either one integer or a list of integers (diffusers writes
/// `attention_head_dim` and `transformer_layers_per_block` either way).
public enum IntOrList: Sendable, Equatable, Codable {
    /// One value for every block.
    case single(Int)
    /// One value per down block.
    case perBlock([Int])

    /// Decodes an integer or an array of integers.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Int.self) {
            self = .single(value)
            return
        }
        self = .perBlock(try container.decode([Int].self))
    }

    /// Encodes as diffusers does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .single(let value): try container.encode(value)
        case .perBlock(let values): try container.encode(values)
        }
    }

    /// The value for each of `count` blocks (nil when a list has another length).
    public func values(count: Int) -> [Int]? {
        switch self {
        case .single(let value): return Array(repeating: value, count: count)
        case .perBlock(let values): return values.count == count ? values : nil
        }
    }
}
