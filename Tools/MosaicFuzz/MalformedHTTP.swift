import MosaicTestSupport

/// Broken HTTP: bad request lines, bad headers, bad chunked encoding, lying Content-Length,
/// other protocols. Every case closes its sending side after the bytes, so the daemon may
/// answer (with 400) or hang up, but it must not wait for ever or crash.
enum MalformedHTTP {
    static let status = "/v1/status"
    static let submitBody = Array("{\"render\":{\"prompt\":\"calm sea\",\"width\":64,\"height\":64,\"steps\":1}}".utf8)

    /// One malformed request.
    static func makeCase(using random: inout SeededGenerator) -> FuzzCase {
        let (label, bytes) =
            switch Int.random(in: 0..<4, using: &random) {
            case 0: requestLine(using: &random)
            case 1: header(using: &random)
            case 2: chunked(using: &random)
            default: framing(using: &random)
            }
        return FuzzCase(kind: .malformedHTTP, label: label, bytes: bytes, halfClose: true, answers: 0, deadline: 5)
    }

    static func requestLine(using random: inout SeededGenerator) -> (String, [UInt8]) {
        let lines: [String] = [
            "GET\r\n\r\n", "GET /v1/status\r\n\r\n", "GET /v1/status HTTP/1.1 extra\r\n\r\n",
            "GET  /v1/status HTTP/1.1\r\n\r\n",
            "/v1/status HTTP/1.1\r\n\r\n", "GET /v1/status HTTP/2.0\r\nHost: x\r\n\r\n",
            "GET /v1/status HTTP/9.9\r\n\r\n",
            "GET /v1/status HTTP/1.1\nHost: x\n\n", "GET /v1/status HTTP/1.1\r\r\n\r\n",
            "\r\n\r\nGET /v1/status HTTP/1.1\r\n\r\n",
            "GET /v1/sta tus HTTP/1.1\r\n\r\n", "GET /v1/status http/1.1\r\n\r\n", "GET /v1/status HTTP/1.10\r\n\r\n",
            "GET /v1/status HTTP/01.1\r\n\r\n", "GET http://localhost/v1/status HTTP/1.1\r\nHost: x\r\n\r\n",
            "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", "CONNECT localhost:80 HTTP/1.1\r\nHost: x\r\n\r\n",
            "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "GET v1/status HTTP/1.1\r\n\r\n", "G@T /v1/status HTTP/1.1\r\n\r\n",
            "GET /v1/status#frag HTTP/1.1\r\n\r\n", "GET /v1/status?%%% HTTP/1.1\r\n\r\n",
            " GET /v1/status HTTP/1.1\r\n\r\n",
            "GET /v1/status HTTP/1.1\r\n", "GET /v1/status HTTP/1.0\r\n\r\n",
        ]
        switch Int.random(in: 0..<6, using: &random) {
        case 0...2:
            let line = random.pick(lines)
            return ("request line \(line.prefix(40).debugDescription)", Array(line.utf8))
        case 3:
            let method = String(repeating: "G", count: random.pick([100, 10_000, 100_000]))
            return ("method of \(method.count) bytes", Array("\(method) / HTTP/1.1\r\n\r\n".utf8))
        case 4:
            let length = random.pick([8_000, 70_000, 200_000])
            return (
                "target of \(length) bytes",
                Array("GET /\(String(repeating: "x", count: length)) HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
            )
        default:
            let junk = random.bytes(Int.random(in: 1...16, using: &random))
            return ("request line with raw bytes", Array("GET /v1/".utf8) + junk + Array(" HTTP/1.1\r\n\r\n".utf8))
        }
    }

    static func header(using random: inout SeededGenerator) -> (String, [UInt8]) {
        let headers: [String] = [
            "NoColon", ": empty-name", " Leading: space", "Bad Name: x", "Content-Length: -5", "Content-Length: 1 2",
            "Content-Length: 0x10", "Content-Length: abc", "Content-Length: 99999999999999999999",
            "Content-Length: 5\r\nContent-Length: 6",
            "Transfer-Encoding: identity", "Transfer-Encoding: gzip", "Transfer-Encoding: gzip, chunked",
            "Transfer-Encoding: chunked\r\nContent-Length: 5", "Transfer-Encoding: xchunked",
            "Transfer-Encoding: chunked, identity",
            "Expect: 100-continue", "Upgrade: websocket\r\nConnection: Upgrade",
            "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c",
            "Host: a\r\nHost: b", "X-Folded: a\r\n  continued", "Content-Type: application/json; charset=\u{1}",
        ]
        switch Int.random(in: 0..<5, using: &random) {
        case 0...2:
            let header = random.pick(headers)
            let body = random.chance(0.5) ? submitBody : []
            return (
                "header \(header.prefix(50).debugDescription)",
                Array("POST /v1/jobs HTTP/1.1\r\nHost: x\r\n\(header)\r\n\r\n".utf8) + body
            )
        case 3:
            let length = random.pick([10_000, 100_000, 300_000])
            return (
                "header value of \(length) bytes",
                Array("GET /v1/status HTTP/1.1\r\nX-Big: \(String(repeating: "v", count: length))\r\n\r\n".utf8)
            )
        default:
            let count = random.pick([200, 2_000, 20_000])
            let many = (0..<count).map { "X-H\($0): v\r\n" }.joined()
            return ("\(count) headers", Array("GET /v1/status HTTP/1.1\r\n\(many)\r\n".utf8))
        }
    }

    static func chunked(using random: inout SeededGenerator) -> (String, [UInt8]) {
        let head = Array("POST /v1/jobs HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
        let bodies: [(String, String)] = [
            ("bad chunk size", "zz\r\nabc\r\n0\r\n\r\n"), ("negative chunk size", "-1\r\nabc\r\n0\r\n\r\n"),
            ("huge chunk size", "fffffffffffffffffff\r\nabc\r\n0\r\n\r\n"),
            ("chunk data without CRLF", "3\r\nabcdef0\r\n\r\n"),
            ("chunk extensions junk", "3;;;=\"\r\nabc\r\n0\r\n\r\n"), ("no last chunk", "3\r\nabc\r\n"),
            ("junk trailers", "3\r\nabc\r\n0\r\nX: y\r\nbad trailer\r\n\r\n"), ("LF-only chunk lines", "3\nabc\n0\n\n"),
            ("data longer than size", "2\r\nabcdef\r\n0\r\n\r\n"),
            ("size line of 10000 zeros", String(repeating: "0", count: 10_000) + "3\r\nabc\r\n0\r\n\r\n"),
            ("empty chunk size", "\r\nabc\r\n0\r\n\r\n"), ("chunk size with spaces", " 3 \r\nabc\r\n0\r\n\r\n"),
        ]
        if random.chance(0.25) {
            // A valid chunked body whose JSON is cut: the daemon must answer 400, not wait.
            let cut = Array(submitBody.prefix(Int.random(in: 1..<submitBody.count, using: &random)))
            return (
                "valid chunks of a cut JSON body",
                head + HTTPText.chunked(cut, chunkSize: Int.random(in: 1...8, using: &random))
            )
        }
        let (label, body) = random.pick(bodies)
        return ("chunked: \(label)", head + Array(body.utf8))
    }

    static func framing(using random: inout SeededGenerator) -> (String, [UInt8]) {
        switch Int.random(in: 0..<5, using: &random) {
        case 0:
            let claimed = submitBody.count + Int.random(in: 1...1000, using: &random)
            return (
                "Content-Length \(claimed) for \(submitBody.count) bytes",
                Array("POST /v1/jobs HTTP/1.1\r\nHost: x\r\nContent-Length: \(claimed)\r\n\r\n".utf8) + submitBody
            )
        case 1:
            let claimed = Int.random(in: 0..<submitBody.count, using: &random)
            return (
                "Content-Length \(claimed) for \(submitBody.count) bytes",
                Array("POST /v1/jobs HTTP/1.1\r\nHost: x\r\nContent-Length: \(claimed)\r\n\r\n".utf8) + submitBody
            )
        case 2:
            // The first bytes of a TLS ClientHello.
            return (
                "TLS ClientHello",
                [0x16, 0x03, 0x01, 0x00, 0xA5, 0x01, 0x00, 0x00, 0xA1, 0x03, 0x03] + random.bytes(64)
            )
        case 3:
            return ("HTTP/2 preface", Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8) + [0, 0, 0, 4, 0, 0, 0, 0, 0])
        default:
            return ("NUL bytes in the head", Array("GET /v1/status HTTP/1.1\r\nHost: \u{0}\u{0}\r\n\r\n".utf8))
        }
    }
}
