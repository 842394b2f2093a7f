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
        pathComponents = (parts.first ?? "").split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        query = parts.count > 1 ? parts[1].split(separator: "&").map { pair in
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (s: Substring) in s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s) }
            return (decode(kv[0]), kv.count > 1 ? decode(kv[1]) : "")
        } : []
    }

    /// All values of query parameter `name`.
    public func queryValues(_ name: String) -> [String] { query.filter { $0.name == name }.map(\.value) }

    /// The first value of query parameter `name`.
    public func queryValue(_ name: String) -> String? { queryValues(name).first }
}
