import Foundation
import MosaicAPI
import NIOCore
import NIOHTTP1

/// A response: a status, headers and either a whole body or a stream of chunks.
public struct HTTPResponse: Sendable {
    /// How the body is delivered.
    public enum Body: Sendable {
        /// All at once, with a Content-Length.
        case bytes([UInt8])
        /// A job's event stream (chunked transfer encoding): the lines of `initial` at once, then
        /// those of `following` as they come, until an `end` event or the client hangs up.
        case events(initial: [EncodedEvent], following: EventFeed)
    }

    /// The status.
    public var status: HTTPResponseStatus
    /// Extra headers (Content-Type and Content-Length are set by the server).
    public var contentType: String
    /// The body.
    public var body: Body
    /// Headers beyond Content-Type, Content-Length and Connection (`Allow` on a 405).
    public var headers: [(name: String, value: String)] = []

    /// Creates a response.
    public init(status: HTTPResponseStatus = .ok, contentType: String, body: Body) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    /// The response's head: its headers, `Connection`, and for a whole body its length.
    func head(version: HTTPVersion, keepAlive: Bool) -> HTTPResponseHead {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Server", value: "mosaicd")
        headers.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        for header in self.headers { headers.add(name: header.name, value: header.value) }
        switch body {
        case .bytes(let bytes): headers.add(name: "Content-Length", value: String(bytes.count))
        case .events: headers.add(name: "Transfer-Encoding", value: "chunked")
        }
        return HTTPResponseHead(version: version, status: status, headers: headers)
    }

    /// A JSON response with the API's encoding.
    public static func json<T: Encodable>(_ value: T, status: HTTPResponseStatus = .ok) -> HTTPResponse {
        do {
            var data = try APICoding.encoder().encode(value)
            data.append(0x0A)
            return HTTPResponse(status: status, contentType: "application/json", body: .bytes([UInt8](data)))
        } catch {
            return .error(APIError(.internal, "cannot encode the response: \(error)"))
        }
    }

    /// The API's error body with the error's HTTP status.
    public static func error(_ error: APIError) -> HTTPResponse {
        let body =
            (try? APICoding.encoder().encode(ErrorResponse(error))).map { [UInt8]($0) + [0x0A] }
            ?? Array("{\"error\":{\"code\":\"internal\",\"message\":\"unencodable error\"}}\n".utf8)
        return HTTPResponse(
            status: HTTPResponseStatus(statusCode: error.code.httpStatus), contentType: "application/json",
            body: .bytes(body))
    }
}
