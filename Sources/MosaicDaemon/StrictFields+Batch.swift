import Foundation
import MosaicAPI

extension StrictFields {
    /// The fields of `BatchRequest` and of each of its items.
    static let batch = BatchRequest.fieldNames
    static let batchItem = BatchItem.fieldNames

    /// Throws 400 naming the first unknown or null field of a `POST /v1/batches` body, as
    /// `items[3].render.stepz`, with the item's index in the error's `item`.
    static func checkBatch(_ body: [UInt8]) throws(APIError) {
        try check(body, allowed: batch)
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
            let items = object["items"] as? [Any]
        else { return }
        for (index, element) in items.enumerated() {
            guard let item = element as? [String: Any] else { continue }
            let name = "items[\(index)]"
            var objects: [(String, [String: Any], Set<String>)] = [(name, item, batchItem)]
            if let render = item["render"] as? [String: Any] { objects.append(("\(name).render", render, Self.render)) }
            for (prefix, fields, allowed) in objects {
                for key in fields.keys.sorted() where !allowed.contains(key) {
                    throw APIError(
                        .badRequest,
                        "unknown field '\(prefix).\(key)' (known: \(allowed.sorted().joined(separator: ", ")))",
                        item: index)
                }
                for key in fields.keys.sorted() where fields[key] is NSNull {
                    throw APIError(
                        .badRequest, "invalid \(prefix).\(key): null (leave the field out for the default)", item: index
                    )
                }
            }
        }
    }
}
