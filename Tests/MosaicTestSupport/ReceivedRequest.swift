/// A request as the fake daemon received it.
public struct ReceivedRequest: Sendable {
    /// Every byte, head and body.
    public let raw: [UInt8]
    /// The head as text, up to and without the blank line.
    public let head: String
    /// The body.
    public let body: [UInt8]

    /// `POST /v1/jobs HTTP/1.1` -> `POST`.
    public var method: String { String(head.prefix { $0 != " " }) }
    /// The request target, path and query.
    public var target: String { head.split(separator: " ").dropFirst().first.map(String.init) ?? "" }
}
