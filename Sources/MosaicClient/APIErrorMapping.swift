import Foundation
import MosaicAPI

/// Turns an error answer into `ClientError.api`, whether or not its body is the API's JSON.
enum APIErrorMapping {
    /// The API's `{"error": ...}` body if there is one; otherwise an error built from the status
    /// and the first line of the body (a proxy's HTML, a panic message).
    static func error(status: Int, body: [UInt8]) -> ClientError {
        if let response = try? APICoding.decoder().decode(ErrorResponse.self, from: Data(body)) {
            return .api(status: status, error: response.error)
        }
        let text = String(decoding: body.prefix(512), as: UTF8.self)
        let firstLine =
            text.split(whereSeparator: \.isNewline).first.map {
                String(decoding: HTTPToken.trimmed(Array($0.utf8)), as: UTF8.self)
            } ?? ""
        let message = firstLine.isEmpty ? "HTTP \(status) \(reason(status))" : firstLine
        return .api(status: status, error: APIError(code(for: status), message))
    }

    /// The API's code for a status, for bodies that do not say.
    static func code(for status: Int) -> APIError.Code {
        switch status {
        case 400: .badRequest
        case 401, 403: .forbidden
        case 404, 410: .notFound
        case 405: .methodNotAllowed
        case 409: .conflict
        case 413: .payloadTooLarge
        case 422: .unprocessable
        case 429: .tooManyRequests
        case 502, 503, 504: .unavailable
        case 400..<500: .badRequest
        default: .internal
        }
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 400: "Bad Request"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 409: "Conflict"
        case 413: "Payload Too Large"
        case 422: "Unprocessable Content"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: "error"
        }
    }
}
