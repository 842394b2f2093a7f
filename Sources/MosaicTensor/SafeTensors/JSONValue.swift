// A minimal JSON document model for the two places where Mosaic must control JSON byte for
// byte: safetensors headers (parsed from untrusted files, so every failure must be a typed
// error, never a trap, and duplicate keys must be seen rather than silently merged) and the
// canonical JSON that parameter hashes are computed over (sorted keys, fixed formatting).
// Codable types that only need a round trip keep using Foundation's JSONEncoder.

/// A parsed or to-be-written JSON value.
public enum JSONValue: Equatable, Sendable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number, kept as its source text so that integers of any size survive exactly.
    case number(String)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object, its members in document order (duplicates are rejected by the parser).
    case object([(key: String, value: JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    /// An integer number.
    public static func integer<T: BinaryInteger>(_ value: T) -> JSONValue { .number(String(value)) }

    /// The members of an object, or nil for any other value.
    public var objectMembers: [(key: String, value: JSONValue)]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The value as a non-negative `Int`, or nil when it is not an integer literal in range.
    public var nonNegativeInt: Int? {
        guard case .number(let text) = self, let value = Int(text), value >= 0 else { return nil }
        return value
    }

    /// A short name of the value's kind, for error messages.
    public var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// Compact JSON text: no whitespace, non-ASCII characters as raw UTF-8, object members in
    /// their order or sorted by key (by Unicode scalar values, like Python's `sort_keys`).
    public func serialized(sortingKeys: Bool = false) -> String {
        var out = ""
        write(to: &out, sortingKeys: sortingKeys)
        return out
    }

    private func write(to out: inout String, sortingKeys: Bool) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .number(let text): out += text
        case .string(let text): Self.writeString(text, to: &out)
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                item.write(to: &out, sortingKeys: sortingKeys)
            }
            out += "]"
        case .object(let members):
            let ordered =
                sortingKeys
                ? members.sorted { $0.key.unicodeScalars.lexicographicallyPrecedes($1.key.unicodeScalars) }
                : members
            out += "{"
            for (i, member) in ordered.enumerated() {
                if i > 0 { out += "," }
                Self.writeString(member.key, to: &out)
                out += ":"
                member.value.write(to: &out, sortingKeys: sortingKeys)
            }
            out += "}"
        }
    }

    /// Writes `text` as a JSON string: only `"`, `\` and control characters are escaped.
    public static func writeString(_ text: String, to out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
