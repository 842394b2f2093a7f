import Foundation

/// Splits the bytes a connection received into responses.
public enum ResponseParser {
    /// What a connection's bytes held.
    public struct Result: Equatable {
        /// The responses, the last possibly incomplete.
        public var responses: [ParsedResponse]
        /// Bytes that are not HTTP at all (a broken status line or head); empty when none.
        public var garbage: [UInt8]
    }

    /// Parses `bytes`; `eof` says the daemon closed the connection after them. `headRequests`
    /// lists, per response, whether it answers a HEAD request (no body follows).
    public static func parse(_ bytes: [UInt8], eof: Bool, headRequests: [Bool] = []) -> Result {
        var responses: [ParsedResponse] = []
        var offset = 0
        while offset < bytes.count {
            guard let headEnd = find([13, 10, 13, 10], in: bytes, from: offset) else {
                return Result(responses: responses, garbage: Array(bytes[offset...]))
            }
            let lines = String(decoding: bytes[offset..<headEnd], as: UTF8.self).components(separatedBy: "\r\n")
            let statusParts = (lines.first ?? "").split(separator: " ", maxSplits: 2)
            guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let status = Int(statusParts[1]) else {
                return Result(responses: responses, garbage: Array(bytes[offset...]))
            }
            var headers: [(name: String, value: String)] = []
            for line in lines.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers.append(
                    (
                        line[..<colon].lowercased(),
                        line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                    ))
            }
            var response = ParsedResponse(status: status, headers: headers, body: [], complete: true)
            let bodyStart = headEnd + 4
            let isHead = responses.count < headRequests.count && headRequests[responses.count]
            if isHead || (100..<200).contains(status) || status == 204 || status == 304 {
                offset = bodyStart
            } else if response.header("transfer-encoding")?.lowercased().contains("chunked") == true {
                let (body, end) = dechunk(bytes, from: bodyStart)
                response.body = body
                response.complete = end != nil
                offset = end ?? bytes.count
            } else if let lengthText = response.header("content-length"), let length = Int(lengthText), length >= 0 {
                let end = min(bytes.count, bodyStart + length)
                response.body = Array(bytes[min(bodyStart, bytes.count)..<end])
                response.complete = bodyStart + length <= bytes.count
                offset = end
            } else {
                response.body = Array(bytes[min(bodyStart, bytes.count)...])
                response.complete = eof
                offset = bytes.count
            }
            responses.append(response)
        }
        return Result(responses: responses, garbage: [])
    }

    /// Decodes a chunked body starting at `start`: the data so far, and the offset after the
    /// last chunk and its trailer when the body ended.
    public static func dechunk(_ bytes: [UInt8], from start: Int) -> (body: [UInt8], end: Int?) {
        var body: [UInt8] = []
        var offset = start
        while let lineEnd = find([13, 10], in: bytes, from: offset) {
            let sizeText = String(decoding: bytes[offset..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16), size >= 0 else {
                return (body, nil)
            }
            let dataStart = lineEnd + 2
            if size == 0 {
                // The trailer section ends with an empty line.
                guard let trailerEnd = find([13, 10], in: bytes, from: dataStart) else { return (body, nil) }
                if trailerEnd == dataStart { return (body, trailerEnd + 2) }
                guard let end = find([13, 10, 13, 10], in: bytes, from: dataStart) else { return (body, nil) }
                return (body, end + 4)
            }
            guard dataStart + size + 2 <= bytes.count else {
                body += bytes[dataStart..<min(bytes.count, dataStart + size)]
                return (body, nil)
            }
            body += bytes[dataStart..<(dataStart + size)]
            offset = dataStart + size + 2
        }
        return (body, nil)
    }

    /// The index where `needle` starts in `bytes` at or after `from`.
    public static func find(_ needle: [UInt8], in bytes: [UInt8], from: Int) -> Int? {
        guard needle.count <= bytes.count, from <= bytes.count - needle.count else { return nil }
        var i = from
        while i <= bytes.count - needle.count {
            if bytes[i] == needle[0], bytes[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
