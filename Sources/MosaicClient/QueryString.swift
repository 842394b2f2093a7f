/// A URL query built from name-value pairs, percent-encoded (RFC 3986: only unreserved bytes stay).
struct QueryString {
    private var items: [(String, String)] = []

    /// Adds `name=value`; a name may repeat (`state=queued&state=running`).
    mutating func add(_ name: String, _ value: String) { items.append((name, value)) }

    /// `?a=1&b=2`, or "" when empty.
    var text: String {
        items.isEmpty ? "" : "?" + items.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
    }

    /// Percent-encodes every byte of the UTF-8 form except ALPHA, DIGIT and `-._~`.
    static func encode(_ value: String) -> String {
        var result = ""
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                result.unicodeScalars.append("%")
                result.unicodeScalars.append(hex[Int(byte >> 4)])
                result.unicodeScalars.append(hex[Int(byte & 0x0F)])
            }
        }
        return result
    }
}
