import Foundation
import MosaicAPI

/// A `--prompts` file: one render a line, as plain text or as a JSON object.
///
/// A plain line is a prompt; blank lines and lines starting with `#` are skipped. A line starting
/// with `{` is a JSON object with `prompt` and any render field of the API (`"seed": 7`,
/// `"steps": 20`), plus `priority` and `count`: its fields override the command's options for that
/// line. Every line is read before anything is sent, so a bad line queues nothing.
struct PromptsFile {
    /// One render of the file and the line it came from.
    struct Line: Equatable {
        /// The 1-based line number.
        let number: Int
        /// The render, the command's options under the line's own fields.
        let item: BatchItem
    }

    /// Where the lines came from (a path, or `stdin`), for messages.
    let source: String
    /// The renders, in file order.
    let lines: [Line]

    /// The fields a JSON line may have.
    static let fieldNames = RenderSpec.fieldNames.union(["priority", "count"])

    /// Reads `path` (`-` for stdin) and parses it.
    static func read(
        _ path: String, options: RenderSpec, priority: Int?, count: Int?
    ) throws(CtlError) -> PromptsFile {
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let contents = FileManager.default.contents(atPath: path) else {
                throw CtlError(.usage, "cannot read the prompts file \(path)")
            }
            data = contents
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CtlError(.usage, "\(path == "-" ? "stdin" : path): not UTF-8 text")
        }
        return try parse(text, source: path == "-" ? "stdin" : path, options: options, priority: priority, count: count)
    }

    /// Parses `text`; `options` holds the command's render options (its prompt is unused).
    /// Throws one error naming the first bad line and how many more there are.
    static func parse(
        _ text: String, source: String, options: RenderSpec, priority: Int?, count: Int?
    ) throws(CtlError) -> PromptsFile {
        var lines: [Line] = []
        var problems: [String] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            do throws(LineError) {
                let item =
                    line.hasPrefix("{")
                    ? try jsonItem(line, options: options, priority: priority, count: count)
                    : BatchItem(render: options.replacingPrompt(line), priority: priority, count: count)
                lines.append(Line(number: index + 1, item: item))
            } catch {
                problems.append("\(source) line \(index + 1): \(error.message)")
            }
        }
        if let first = problems.first {
            let others = problems.count - 1
            let more = others > 0 ? " (and \(others) more bad line\(others == 1 ? "" : "s"))" : ""
            throw CtlError(.usage, "\(first)\(more); nothing was queued")
        }
        if lines.isEmpty { throw CtlError(.usage, "\(source) holds no prompts; nothing was queued") }
        return PromptsFile(source: source, lines: lines)
    }

    /// Why one line cannot be read.
    struct LineError: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    /// A JSON line's render: its fields over the command's options.
    private static func jsonItem(_ line: String, options: RenderSpec, priority: Int?, count: Int?)
        throws(LineError) -> BatchItem
    {
        let data = Data(line.utf8)
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw LineError("not a JSON object")
        }
        for key in object.keys.sorted() where !fieldNames.contains(key) {
            throw LineError("unknown field '\(key)' (known: \(fieldNames.sorted().joined(separator: ", ")))")
        }
        for key in object.keys.sorted() where object[key] is NSNull {
            throw LineError("invalid \(key): null (leave the field out for the command's option)")
        }
        let decoder = APICoding.decoder()
        let merged: RenderSpec
        let extras: Extras
        do {
            // Decoded alone first, so a message names the line's own field.
            _ = try decoder.decode(RenderSpec.self, from: data)
            extras = try decoder.decode(Extras.self, from: data)
            merged = try decoder.decode(RenderSpec.self, from: try overlay(object, on: options))
        } catch let error as DecodingError {
            throw LineError(describe(error))
        } catch {
            throw LineError("\(error)")
        }
        if let count = extras.count, count < 1 { throw LineError("invalid count: \(count) is not positive") }
        return BatchItem(render: merged, priority: extras.priority ?? priority, count: extras.count ?? count)
    }

    /// The options' JSON with the line's render fields put over it, field by field, so that a
    /// render field added to the API is taken from lines without a change here. A line that asks
    /// for a quality is lossy, and a lossless one has no quality, whatever the options say.
    private static func overlay(_ line: [String: Any], on options: RenderSpec) throws -> Data {
        var object =
            try JSONSerialization.jsonObject(with: APICoding.encoder().encode(options)) as? [String: Any] ?? [:]
        if line["quality"] != nil { object["lossless"] = nil }
        if line["lossless"] as? Bool == true { object["quality"] = nil }
        for (key, value) in line where RenderSpec.fieldNames.contains(key) { object[key] = value }
        return try JSONSerialization.data(withJSONObject: object)
    }

    /// The fields of a line that are not the render's.
    private struct Extras: Decodable {
        var priority: Int?
        var count: Int?
    }

    private static func describe(_ error: DecodingError) -> String {
        func field(_ path: [any CodingKey]) -> String { path.map(\.stringValue).joined(separator: ".") }
        switch error {
        case .keyNotFound(let key, let context): return "missing field '\(field(context.codingPath + [key]))'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "field '\(field(context.codingPath))' has the wrong type"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON" : "field '\(field(context.codingPath))' is invalid"
        @unknown default: return "\(error)"
        }
    }
}

extension RenderSpec {
    /// The same options with another prompt.
    func replacingPrompt(_ prompt: String) -> RenderSpec {
        var spec = self
        spec.prompt = prompt
        return spec
    }
}
