import Foundation
import MosaicTestSupport

/// Mutated valid requests: every route of the API, with field values, ids, queries, methods and
/// headers bent out of shape one to three at a time.
///
/// The render the fuzz watches must survive, so cancel, retry and remove never name its id
/// (whatever spelling an id takes, it is compared after the daemon's percent-decoding), and the
/// queue is never resumed (it is paused, so submitted jobs wait instead of competing with the
/// render for the CPU).
struct RequestMutator {
    /// The id of the render that must not be touched.
    let protectedJob: Int64

    /// The fields of a valid render, with small values that would render in milliseconds.
    static let renderFields: [(String, String)] = [
        ("negative_prompt", "\"fog\""), ("model", "\"mosaic-field\""), ("width", "64"), ("height", "64"),
        ("steps", "1"),
        ("sampler", "\"euler\""), ("guidance", "2"), ("seed", "1"), ("tiling", "\"overlap\""), ("tile_size", "32"),
        ("tile_overlap", "8"), ("tile_weighting", "\"gaussian\""), ("lossless", "true"),
    ]

    /// Names no request should use.
    static let unknownNames = [
        "step", "Width", "", "__proto__", "constructor", "prompt ", "render.prompt", "id", "owner",
        "state", String(repeating: "k", count: 1000), "\u{1F30A}",
    ]

    /// Job id spellings: real-looking ids and everything that is not one.
    static let idTexts = [
        "2", "3", "5", "17", "999999", "0", "-1", "00002", "+2", "1e3", "0x2", "2.0", "9223372036854775807",
        "9223372036854775808", "-9223372036854775808", "abc", "%00", "%2F", "..", "%2e%2e", "%ff%fe", "%", "%zz",
        "\u{1F30A}", "%20", String(repeating: "9", count: 5000), "null", "[1]",
    ]

    /// One mutated request.
    func makeCase(using random: inout SeededGenerator) -> FuzzCase {
        let roll = Int.random(in: 0..<100, using: &random)
        switch roll {
        case 0..<30: return submit(using: &random)
        case 30..<35: return batch(using: &random)
        case 35..<50: return list(using: &random)
        case 50..<68: return readJob(using: &random)
        case 68..<76: return modifyJob(using: &random)
        case 76..<83: return prune(using: &random)
        case 83..<92: return simpleGet(using: &random)
        case 92..<94: return request("POST", "/v1/queue/pause", body: nil, label: "pause the queue", using: &random)
        default: return wrongRoute(using: &random)
        }
    }

    func list(using random: inout SeededGenerator) -> FuzzCase {
        let names = ["state", "owner", "limit", "before", "bogus", "state", ""]
        let values = [
            "queued", "running", "succeeded", "failed", "canceled", "queued,running", "queued,,", "Queued", "bogus",
            "", "0", "1", "-1", "50", "500", "501", "2", "4294967295", "4294967296", "9223372036854775807",
            "9223372036854775808", "abc", "%zz", "%00", "%E2%82%AC", "1%00", String(repeating: "a", count: 10_000),
            "1e2", " 5", "+5",
        ]
        var query: [String] = []
        for _ in 0..<Int.random(in: 0...5, using: &random) {
            query.append("\(random.pick(names))=\(random.pick(values))")
        }
        if random.chance(0.1) { query.append(random.pick(["&", "=", "==", "limit", "?", "a=b=c"])) }
        let target = "/v1/jobs" + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
        return request("GET", target, body: nil, label: "list \(String(target.prefix(120)))", using: &random)
    }

    func readJob(using random: inout SeededGenerator) -> FuzzCase {
        let id = random.chance(0.35) ? String(protectedJob) : random.pick(Self.idTexts)
        let suffix = random.pick(["", "", "/log", "/events", "/output", "/preview", "/preview"])
        return request(
            "GET", "/v1/jobs/\(id)\(suffix)", body: nil, label: "GET job \(id.prefix(40))\(suffix)", using: &random)
    }

    func modifyJob(using random: inout SeededGenerator) -> FuzzCase {
        var id = random.pick(Self.idTexts)
        if Self.decodedId(id) == protectedJob { id = String(protectedJob + 1) }
        let (method, suffix) = random.pick([("POST", "/cancel"), ("POST", "/retry"), ("DELETE", "")])
        let body: [UInt8]? = random.chance(0.2) ? JSONJunk.value(using: &random).bytes : nil
        return request(
            method, "/v1/jobs/\(id)\(suffix)", body: body, label: "\(method) job \(id.prefix(40))\(suffix)",
            using: &random)
    }

    func prune(using random: inout SeededGenerator) -> FuzzCase {
        var body = JSONObjectText()
        if random.chance(0.7) { body.set("older_than_seconds", "3600") }
        if random.chance(0.7) { body.set("states", "[\"failed\",\"canceled\"]") }
        var label = "prune"
        if random.chance(0.7) {
            let field = random.pick(["older_than_seconds", "states", "state", "limit"])
            let junk = JSONJunk.value(using: &random)
            body.set(field, junk.bytes)
            label += ": \(field) = \(junk.label)"
        }
        let (bytes, whole) = mutateWhole(body.bytes, using: &random)
        var pruneCase = request(
            "POST", "/v1/jobs/prune", body: random.chance(0.1) ? nil : bytes,
            label: label + (whole.map { "; \($0)" } ?? ""), using: &random)
        pruneCase.removesFinishedJobs = true
        return pruneCase
    }

    func simpleGet(using random: inout SeededGenerator) -> FuzzCase {
        let target = random.pick(["/v1/status", "/v1/models", "/metrics", "/v1/status?verbose=1", "/metrics?x=%zz"])
        let body: [UInt8]? = random.chance(0.1) ? Array("{\"unexpected\":true}".utf8) : nil
        return request("GET", target, body: body, label: "GET \(target)", using: &random)
    }

    func wrongRoute(using random: inout SeededGenerator) -> FuzzCase {
        let method = random.pick(["GET", "POST", "DELETE", "PUT", "PATCH", "OPTIONS", "HEAD", "TRACE", "BREW", "get"])
        let target = random.pick([
            "/", "/v2/status", "/v1", "/v1/", "/v1/status/", "//v1//status", "/v1/jobs/2/bogus", "/v1/jobs/2/events/x",
            "/metrics/x", "/v1/%zz", "/%", "/v1/jobs/prune/2", "/v1/queue", "/v1/queue/resume/x", "/v1/./status",
            "/v1/status/..", "/v1/jobs/%2F..%2F..%2Fetc%2Fpasswd/output", "/" + String(repeating: "a/", count: 2000),
            "/v1/status", "/v1/models", "/v1/jobs", "/v1/queue/pause",
        ])
        // Right paths with wrong methods: only methods those routes do not take.
        if ["/v1/status", "/v1/models", "/v1/jobs", "/v1/queue/pause"].contains(target),
            ["GET", "POST"].contains(method)
        {
            return request("PUT", target, body: nil, label: "PUT \(target)", using: &random)
        }
        return request(method, target, body: nil, label: "\(method) \(target.prefix(60))", using: &random)
    }

    /// Wraps a request with randomly varied headers into a case.
    func request(
        _ method: String, _ target: String, body: [UInt8]?, label: String,
        using random: inout SeededGenerator
    ) -> FuzzCase {
        var headers: [String] = []
        if random.chance(0.05) {
            headers.append("X-Junk: \(String(repeating: "j", count: Int.random(in: 1...4000, using: &random)))")
        }
        if random.chance(0.03) { headers.append("Accept: */*") }
        let contentType =
            random.chance(0.1)
            ? random.pick([nil, "text/plain", "application/x-www-form-urlencoded", "a/b; charset=ebcdic"])
            : "application/json"
        let version = random.chance(0.05) ? "HTTP/1.0" : "HTTP/1.1"
        let streaming = method == "GET" && target.hasSuffix("/events")
        let bytes = HTTPText.request(
            method, target, body: body, contentType: contentType,
            keepAlive: random.chance(0.2), version: version, extraHeaders: headers)
        return FuzzCase(
            kind: .mutatedRequest, label: label, bytes: bytes, headRequests: [method == "HEAD"],
            nonJSONAllowed: [FuzzCase.isNonJSONRoute(target)], streaming: streaming,
            deadline: streaming ? 0.15 : 10)
    }

    /// The id the daemon would read from `text` (it percent-decodes path components).
    static func decodedId(_ text: String) -> Int64? { Int64(text.removingPercentEncoding ?? text) }
}
