import Foundation
import NIOHTTP1

/// One parsed request, as routes see it.
public struct HTTPRequest: Sendable {
    /// The method.
    public var method: HTTPMethod
    /// The path without the query, percent-decoded per component.
    public var pathComponents: [String]
    /// The query parameters in order (a name may repeat).
    public var query: [(name: String, value: String)]
    /// The body (at most the server's body limit).
    public var body: [UInt8]
    /// Who sent it.
    public var peer: PeerCredentials

    /// Creates a request from a raw URI.
    init(method: HTTPMethod, uri: String, body: [UInt8], peer: PeerCredentials) {
        self.method = method
        self.body = body
        self.peer = peer
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        pathComponents = (parts.first ?? "").split(separator: "/").map { Self.decode($0, plusIsSpace: false) }
        query =
            parts.count > 1
            ? parts[1].split(separator: "&").map { pair in
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                return (
                    Self.decode(kv[0], plusIsSpace: true), kv.count > 1 ? Self.decode(kv[1], plusIsSpace: true) : ""
                )
            } : []
    }

    /// `text` percent-decoded (and in a query `+` as a space); undecodable text is kept as it is.
    /// Most components have nothing to decode, so those skip Foundation's decoder.
    static func decode(_ text: Substring, plusIsSpace: Bool) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "%") || (plusIsSpace && $0 == UInt8(ascii: "+")) }) else {
            return String(text)
        }
        let spaced = plusIsSpace ? text.replacingOccurrences(of: "+", with: " ") : String(text)
        return spaced.removingPercentEncoding ?? String(text)
    }

    /// All values of query parameter `name`.
    public func queryValues(_ name: String) -> [String] { query.filter { $0.name == name }.map(\.value) }

    /// The first value of query parameter `name`.
    public func queryValue(_ name: String) -> String? { queryValues(name).first }
}
