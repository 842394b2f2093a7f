import MosaicTestSupport

/// Draws the fuzz cases, a pure function of the seed: the same `--seed` sends the same bytes.
struct CaseGenerator {
    private var random: SeededGenerator
    private let mutator: RequestMutator

    /// Per mille of each family (the rest are mutated requests).
    static let weights: [(FuzzCase.Kind, Int)] = [
        (.malformedHTTP, 200), (.randomBytes, 70), (.hugeBody, 40), (.truncatedBody, 60), (.pipelined, 50),
        (.stall, 8), (.flood, 4), (.upload, 30),
    ]

    /// A generator for `seed` that spares the render `protectedJob`.
    init(seed: UInt64, protectedJob: Int64) {
        random = SeededGenerator(seed: seed)
        mutator = RequestMutator(protectedJob: protectedJob)
    }

    /// The next case.
    mutating func next() -> FuzzCase {
        var roll = Int.random(in: 0..<1000, using: &random)
        for (kind, weight) in Self.weights {
            if roll < weight { return make(kind) }
            roll -= weight
        }
        return mutator.makeCase(using: &random)
    }

    /// A case of family `kind`.
    mutating func make(_ kind: FuzzCase.Kind) -> FuzzCase {
        switch kind {
        case .mutatedRequest: return mutator.makeCase(using: &random)
        case .malformedHTTP: return MalformedHTTP.makeCase(using: &random)
        case .randomBytes:
            let count = random.pick([1, 2, 16, 100, 1000, 4096, 70_000])
            var bytes = random.bytes(count)
            if random.chance(0.3) { bytes = Array("GET /v1/status HTTP/1.1\r\n".utf8) + bytes }
            return FuzzCase(
                kind: .randomBytes, label: "\(bytes.count) random bytes", bytes: bytes, halfClose: true,
                answers: 0, deadline: 5)
        case .hugeBody: return hugeBody()
        case .truncatedBody: return truncatedBody()
        case .pipelined: return pipelined()
        case .stall: return stall()
        case .flood:
            let connections = random.pick([20, 50, 100, 200])
            let requesting = random.chance(0.5) ? connections : connections / 2
            return FuzzCase(
                kind: .flood, label: "flood of \(connections) connections, \(requesting) with a request",
                bytes: HTTPText.request("GET", random.pick(["/v1/status", "/v1/models", "/v1/jobs?limit=5"])),
                answers: 1, nonJSONAllowed: [false], deadline: 30, flood: (connections, requesting))
        case .upload: return upload()
        }
    }

    /// `POST /v1/images` with a body that is no acceptable image: each must get 4xx (and, as
    /// the daemon's tests check, leave no file or row behind).
    mutating func upload() -> FuzzCase {
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        func ihdr(_ side: UInt32) -> [UInt8] {
            let size = (0..<4).map { UInt8(truncatingIfNeeded: side >> (24 - 8 * $0)) }
            return signature + [0, 0, 0, 13] + Array("IHDR".utf8) + size + size + [8, 2, 0, 0, 0, 0, 0, 0, 0]
        }
        let (label, body): (String, [UInt8]) =
            switch Int.random(in: 0..<6, using: &random) {
            case 0: ("random bytes", random.bytes(random.pick([0, 1, 100, 5000])))
            case 1: ("PNG bomb header (100000 x 100000)", ihdr(100_000) + random.bytes(64))
            case 2: ("PNG header and garbage", ihdr(64) + random.bytes(random.pick([10, 1000])))
            case 3: ("JPEG start and garbage", [0xFF, 0xD8, 0xFF, 0xE0] + random.bytes(random.pick([10, 1000])))
            case 4: ("WebP header and garbage", Array("RIFF\u{10}\0\0\0WEBPVP8L".utf8) + random.bytes(40))
            default: ("a job as the body", Array("{\"render\":{\"prompt\":\"sea\"}}".utf8))
            }
        return FuzzCase(
            kind: .upload, label: "upload: \(label), \(body.count) bytes",
            bytes: HTTPText.request("POST", "/v1/images", body: body), deadline: 10, refusalOwed: true)
    }

    /// Bodies over the 64 KiB limit (413), at it, and lying about their size.
    mutating func hugeBody() -> FuzzCase {
        let size = random.pick([65_537, 100_000, 300_000, 1 << 20])
        let filler = [UInt8](repeating: random.pick([0x20, 0x61, 0x7B]), count: size)
        switch Int.random(in: 0..<4, using: &random) {
        case 0:
            return FuzzCase(
                kind: .hugeBody, label: "\(size)-byte body", bytes: HTTPText.request("POST", "/v1/jobs", body: filler),
                deadline: 30)
        case 1:
            let chunked =
                Array(
                    "POST /v1/jobs HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".utf8)
                + HTTPText.chunked(filler, chunkSize: random.pick([100, 4096, 65536]))
            return FuzzCase(kind: .hugeBody, label: "\(size)-byte chunked body", bytes: chunked, deadline: 30)
        case 2:
            // Exactly at the limit: a valid submission padded with spaces to 65,536 bytes.
            let json = Array(
                "{\"render\":{\"prompt\":\"calm sea\",\"width\":64,\"height\":64,\"steps\":1,\"seed\":2}}".utf8)
            let body = json + [UInt8](repeating: 0x20, count: 65_536 - json.count)
            return FuzzCase(
                kind: .hugeBody, label: "65536-byte body (at the limit)",
                bytes: HTTPText.request("POST", "/v1/jobs", body: body),
                deadline: 30)
        default:
            let claimed = random.pick(["1000000000000", "9223372036854775807", "104857600"])
            let head = Array("POST /v1/jobs HTTP/1.1\r\nHost: x\r\nContent-Length: \(claimed)\r\n\r\n".utf8)
            return FuzzCase(
                kind: .hugeBody, label: "Content-Length \(claimed), \(size) bytes sent", bytes: head + filler,
                halfClose: true, answers: 0, deadline: 30)
        }
    }

    /// A valid head whose body stops early; the sending side then closes.
    mutating func truncatedBody() -> FuzzCase {
        let body = Array(
            "{\"render\":{\"prompt\":\"calm sea at dusk\",\"width\":64,\"height\":64,\"steps\":1,\"seed\":3},\"priority\":1}"
                .utf8)
        let cut = Int.random(in: 0..<body.count, using: &random)
        if random.chance(0.5) {
            return FuzzCase(
                kind: .truncatedBody, label: "body cut at \(cut) of \(body.count) bytes",
                bytes: Array(HTTPText.request("POST", "/v1/jobs", body: body).dropLast(body.count - cut)),
                halfClose: true, answers: 0, deadline: 5)
        }
        let chunked =
            Array("POST /v1/jobs HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
            + HTTPText.chunked(body, chunkSize: 16)
        let stop = Int.random(in: 60..<chunked.count - 1, using: &random)
        return FuzzCase(
            kind: .truncatedBody, label: "chunked body cut at byte \(stop) of \(chunked.count)",
            bytes: Array(chunked[..<stop]), halfClose: true, answers: 0, deadline: 5)
    }

    /// Two to four small requests in one write on one keep-alive connection.
    mutating func pipelined() -> FuzzCase {
        let count = Int.random(in: 2...4, using: &random)
        var bytes: [UInt8] = []
        var labels: [String] = []
        var nonJSON: [Bool] = []
        for index in 0..<count {
            let (method, target) = random.pick([
                ("GET", "/v1/status"), ("GET", "/v1/models"), ("GET", "/v1/jobs?limit=3"),
                ("GET", "/metrics"), ("GET", "/v1/jobs/2"), ("POST", "/v1/jobs"), ("GET", "/v1/bogus"),
            ])
            let body: [UInt8]? =
                method == "POST"
                ? Array(
                    "{\"render\":{\"prompt\":\"sea\",\"width\":64,\"height\":64,\"steps\":1,\"seed\":4,\"bogus\":1}}"
                        .utf8) : nil
            bytes += HTTPText.request(method, target, body: body, keepAlive: index < count - 1)
            labels.append("\(method) \(target)")
            nonJSON.append(FuzzCase.isNonJSONRoute(target))
        }
        return FuzzCase(
            kind: .pipelined, label: "pipelined: " + labels.joined(separator: ", "), bytes: bytes, answers: count,
            headRequests: Array(repeating: false, count: count), nonJSONAllowed: nonJSON, deadline: 10)
    }

    /// A slowloris connection: a request dribbled out in pieces, or a head that never ends.
    mutating func stall() -> FuzzCase {
        let pieces = Int.random(in: 5...20, using: &random)
        let pause = Double.random(in: 0.02...0.1, using: &random)
        if random.chance(0.5) {
            let request = HTTPText.request("GET", random.pick(["/v1/status", "/v1/models", "/v1/jobs?limit=2"]))
            return FuzzCase(
                kind: .stall, label: "request sent in \(pieces) pieces, \(Int(pause * 1000)) ms apart", bytes: request,
                nonJSONAllowed: [false], deadline: 30, stall: (pieces, pause, 0))
        }
        let idle = Double.random(in: 0.5...2, using: &random)
        let partial = Array("POST /v1/jobs HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n{\"render\":".utf8)
        return FuzzCase(
            kind: .stall, label: "unfinished request in \(pieces) pieces, then idle \(Int(idle * 1000)) ms",
            bytes: partial, answers: 0, deadline: 0.2, stall: (pieces, pause, idle))
    }
}
