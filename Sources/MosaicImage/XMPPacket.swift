// XMP packets that carry a render's parameters as one JSON string.
//
// The packet is a minimal, valid XMP document: an xpacket wrapper around x:xmpmeta / rdf:RDF /
// rdf:Description, with the JSON as the text content of `mosaic:parameters` in the namespace
// `urn:x-mosaic:1.0`. Only `&`, `<`, `>` and CR are escaped, so the JSON stays readable in
// `webpmux -get xmp` output; CR is written as `&#13;` because XML parsers normalise a literal
// CR to LF, which would change the JSON. This type knows nothing about the JSON's schema.

/// Builds and parses the XMP packets Mosaic stores in its WebP files.
public enum XMPPacket {
    /// Namespace URI of Mosaic's custom XMP properties.
    public static let namespace = "urn:x-mosaic:1.0"
    /// Preferred prefix for `namespace`.
    public static let prefix = "mosaic"
    /// Qualified name of the property holding the JSON parameters.
    public static let parametersProperty = "mosaic:parameters"

    /// A complete XMP packet whose `mosaic:parameters` property holds `json` (XML-escaped).
    public static func wrap(json: String) -> String {
        """
        <?xpacket begin="\u{FEFF}" id="W5M0MpCehiHzreSzNTczkc9d"?>
        <x:xmpmeta xmlns:x="adobe:ns:meta/">
         <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
          <rdf:Description rdf:about="" xmlns:\(prefix)="\(namespace)">
           <\(parametersProperty)>\(escape(json))</\(parametersProperty)>
          </rdf:Description>
         </rdf:RDF>
        </x:xmpmeta>
        <?xpacket end="w"?>
        """
    }

    /// The JSON stored by `wrap(json:)`, or `nil` when the packet has no `mosaic:parameters`.
    ///
    /// Accepts the element form written by `wrap` and the attribute form
    /// (`mosaic:parameters="…"`) that XMP tools may produce when they rewrite a packet.
    public static func json(from xmp: String) -> String? {
        let open = "<\(parametersProperty)>"
        let close = "</\(parametersProperty)>"
        if let start = xmp.firstRange(of: open), let end = xmp[start.upperBound...].firstRange(of: close) {
            return unescape(xmp[start.upperBound..<end.lowerBound])
        }
        for quote in ["\"", "'"] {
            let attribute = "\(parametersProperty)=\(quote)"
            if let start = xmp.firstRange(of: attribute),
                let end = xmp[start.upperBound...].firstRange(of: quote)
            {
                return unescape(xmp[start.upperBound..<end.lowerBound])
            }
        }
        return nil
    }

    /// Escapes text for XML element content.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"  // only required in "]]>", escaped everywhere for simplicity
            case "\r": out += "&#13;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Resolves the five predefined entities and numeric character references.
    static func unescape(_ text: Substring) -> String {
        var out = ""
        var rest = text[...]
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            guard let semicolon = rest[amp...].firstIndex(of: ";") else { break }
            let entity = rest[rest.index(after: amp)..<semicolon]
            if let decoded = decode(entity: entity) {
                out.unicodeScalars.append(decoded)
            } else {
                out += rest[amp...semicolon]  // unknown entity: keep it verbatim
            }
            rest = rest[rest.index(after: semicolon)...]
        }
        out += rest
        return out
    }

    /// The scalar named by an entity body such as `amp`, `#13` or `#x1F600`.
    static func decode(entity: Substring) -> Unicode.Scalar? {
        switch entity {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos": return "'"
        default: break
        }
        guard entity.first == "#" else { return nil }
        let digits = entity.dropFirst()
        let value =
            digits.first == "x" || digits.first == "X"
            ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
        return value.flatMap(Unicode.Scalar.init)
    }
}
