import Foundation
import MosaicAPI

/// Raw HTTP answers and wire values for the client and ctl tests.
public enum Wire {
    /// A complete answer with a Content-Length body.
    public static func response(
        _ status: Int, _ body: [UInt8], contentType: String = "application/json",
        extraHeaders: String = ""
    ) -> [UInt8] {
        Array(
            "HTTP/1.1 \(status) \(reason(status))\r\nContent-Type: \(contentType)\r\nContent-Length: \(body.count)\r\n\(extraHeaders)\r\n"
                .utf8)
            + body
    }

    /// A complete answer with a chunked body, one chunk per element of `chunks`.
    public static func chunked(_ status: Int, _ chunks: [[UInt8]], contentType: String = "application/json") -> [UInt8]
    {
        var bytes = Array(
            "HTTP/1.1 \(status) \(reason(status))\r\nContent-Type: \(contentType)\r\nTransfer-Encoding: chunked\r\n\r\n"
                .utf8)
        for chunk in chunks where !chunk.isEmpty {
            bytes += Array((String(chunk.count, radix: 16) + "\r\n").utf8) + chunk + Array("\r\n".utf8)
        }
        return bytes + Array("0\r\n\r\n".utf8)
    }

    /// `value` in the API's JSON.
    public static func json(_ value: some Encodable) -> [UInt8] {
        (try? Array(APICoding.encoder().encode(value))) ?? []
    }

    /// An error answer in the API's format.
    public static func error(_ code: APIError.Code, _ message: String) -> [UInt8] {
        response(code.httpStatus, json(ErrorResponse(APIError(code, message))))
    }

    /// `bytes` cut into pieces of the given sizes, cycling through them.
    public static func split(_ bytes: [UInt8], sizes: [Int]) -> [[UInt8]] {
        var pieces: [[UInt8]] = []
        var start = 0
        var index = 0
        while start < bytes.count {
            let end = min(bytes.count, start + sizes[index % sizes.count])
            pieces.append(Array(bytes[start..<end]))
            start = end
            index += 1
        }
        return pieces
    }

    /// `bytes` cut into consecutive slices of the given sizes; the rest is the last slice.
    public static func cut(_ bytes: [UInt8], at sizes: [Int]) -> [[UInt8]] {
        var pieces: [[UInt8]] = []
        var start = 0
        for size in sizes where start < bytes.count {
            pieces.append(Array(bytes[start..<min(bytes.count, start + size)]))
            start += size
        }
        if start < bytes.count { pieces.append(Array(bytes[start...])) }
        return pieces
    }

    private static func reason(_ status: Int) -> String {
        [
            200: "OK", 201: "Created", 403: "Forbidden", 404: "Not Found", 422: "Unprocessable Content",
            502: "Bad Gateway",
        ][status] ?? "Status"
    }
}
