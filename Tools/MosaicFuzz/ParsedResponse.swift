import Foundation

/// One HTTP/1.1 response as it came off the socket, possibly cut short.
struct ParsedResponse: Equatable {
    /// The status code.
    var status: Int
    /// Headers, names lowercased, in order.
    var headers: [(name: String, value: String)]
    /// The body (chunked encoding removed), as much as arrived.
    var body: [UInt8]
    /// Whether the body arrived whole (its length, its last chunk, or end-of-file).
    var complete: Bool

    /// The first value of header `name` (lowercase).
    func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }

    static func == (a: ParsedResponse, b: ParsedResponse) -> Bool {
        a.status == b.status && a.body == b.body && a.complete == b.complete
            && a.headers.map(\.name) == b.headers.map(\.name) && a.headers.map(\.value) == b.headers.map(\.value)
    }
}
