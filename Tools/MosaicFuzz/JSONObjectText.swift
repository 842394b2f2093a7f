/// A JSON object kept as raw member texts, so a mutation can put any bytes in a key or a value
/// and still leave the rest of the object well formed.
struct JSONObjectText {
    /// The members in order; keys include their quotes (a mutated key need not be a string).
    var members: [(key: [UInt8], value: [UInt8])] = []

    /// Adds `key` (quoted here) with the raw value text.
    mutating func set(_ key: String, _ value: String) { set(key, Array(value.utf8)) }

    /// Adds or replaces `key` (quoted here) with raw value bytes.
    mutating func set(_ key: String, _ value: [UInt8]) {
        let quoted = JSONJunk.quoted(Array(key.utf8))
        if let index = members.firstIndex(where: { $0.key == quoted }) {
            members[index].value = value
        } else {
            members.append((quoted, value))
        }
    }

    /// Removes `key`.
    mutating func remove(_ key: String) { members.removeAll { $0.key == JSONJunk.quoted(Array(key.utf8)) } }

    /// The member names (unquoted, as text).
    var keys: [String] { members.map { String(decoding: $0.key.dropFirst().dropLast(), as: UTF8.self) } }

    /// The object's bytes.
    var bytes: [UInt8] {
        var out: [UInt8] = [0x7B]
        for (index, member) in members.enumerated() {
            if index > 0 { out.append(0x2C) }
            out += member.key + [0x3A] + member.value
        }
        return out + [0x7D]
    }
}
