import Foundation

/// One HTTP/1.1 response as it came off the socket, possibly cut short.
public struct ParsedResponse: Equatable {
    /// The status code.
    public var status: Int
    /// Headers, names lowercased, in order.
    public var headers: [(name: String, value: String)]
    /// The body (chunked encoding removed), as much as arrived.
    public var body: [UInt8]
    /// Whether the body arrived whole (its length, its last chunk, or end-of-file).
    public var complete: Bool

    /// Creates a response.
    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8], complete: Bool) {
        self.status = status
        self.headers = headers
        self.body = body
        self.complete = complete
    }

    /// The first value of header `name` (lowercase).
    public func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }

    /// Equal status, headers in order, body and completeness.
    public static func == (a: ParsedResponse, b: ParsedResponse) -> Bool {
        a.status == b.status && a.body == b.body && a.complete == b.complete
            && a.headers.map(\.name) == b.headers.map(\.name) && a.headers.map(\.value) == b.headers.map(\.value)
    }
}
