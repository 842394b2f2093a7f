import Foundation
import MosaicAPI

/// Rejects JSON bodies with fields the API does not know, or null values, naming the field: a
/// typo such as `"step": 50` must not silently render with the default.
enum StrictFields {
    /// The fields of `SubmitRequest` and of its `render` object, from the wire types' `CodingKeys`
    /// so that a field added there is accepted here.
    static let submit = SubmitRequest.fieldNames
    static let render = RenderSpec.fieldNames
    /// The fields of `PruneRequest`.
    static let prune = PruneRequest.fieldNames

    /// Throws 400 naming the first unknown field of `body` (and of its nested objects in `nested`).
    static func check(_ body: [UInt8], allowed: Set<String>, nested: [String: Set<String>] = [:]) throws(APIError) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else { return }
        for key in object.keys.sorted() where !allowed.contains(key) {
            throw APIError(.badRequest, "unknown field '\(key)' (known: \(allowed.sorted().joined(separator: ", ")))")
        }
        // An optional field is given or left out; null would silently mean "the default".
        for key in object.keys.sorted() where object[key] is NSNull {
            throw APIError(.badRequest, "invalid \(key): null (leave the field out for the default)")
        }
        for (key, fields) in nested {
            guard let inner = object[key] as? [String: Any] else { continue }
            for field in inner.keys.sorted() where !fields.contains(field) {
                throw APIError(
                    .badRequest, "unknown field '\(key).\(field)' (known: \(fields.sorted().joined(separator: ", ")))")
            }
            for field in inner.keys.sorted() where inner[field] is NSNull {
                throw APIError(.badRequest, "invalid \(key).\(field): null (leave the field out for the default)")
            }
        }
    }
}
