/// One thing the fuzzer does to the daemon: bytes to send on one connection (or, for stalls and
/// floods, a plan for several) and what a well-behaved daemon owes in return.
struct FuzzCase {
    /// The families of cases; the report counts them separately.
    enum Kind: String, CaseIterable, Codable {
        case mutatedRequest = "mutated request"
        case malformedHTTP = "malformed HTTP"
        case randomBytes = "random bytes"
        case hugeBody = "huge body"
        case truncatedBody = "truncated body"
        case pipelined
        case stall
        case flood
        case upload = "hostile upload"
    }

    /// The family.
    var kind: Kind
    /// One line saying what this case is, for the report.
    var label: String
    /// The bytes to send (for a stall, sent in `pieces`).
    var bytes: [UInt8]
    /// Shut the sending side down after the bytes: the request is unfinished or broken on
    /// purpose, so the daemon may answer with 400 or just close.
    var halfClose = false
    /// How many answers the daemon owes; 0 means answering is optional (each answer that comes
    /// is still checked).
    var answers = 1
    /// Per answer: whether it is to a HEAD request (no body).
    var headRequests: [Bool] = []
    /// Per answer: whether a 2xx may carry a non-JSON body (`/metrics`, outputs, previews).
    var nonJSONAllowed: [Bool] = []
    /// The answer is an event stream that does not end by itself: read it until the deadline.
    var streaming = false
    /// Seconds to wait for the answers.
    var deadline: Double = 10
    /// A stall: the bytes go out in this many pieces with `pause` seconds between them; then
    /// the connection idles `idle` seconds before it is read and closed.
    var stall: (pieces: Int, pause: Double, idle: Double)?
    /// A flood: `connections` connections opened at once, of which `requesting` send the bytes.
    var flood: (connections: Int, requesting: Int)?
    /// The case may remove finished jobs (a prune): the render's result is taken first.
    var removesFinishedJobs = false
    /// A 2xx answer is a failure: the body is no acceptable image (a hostile upload).
    var refusalOwed = false
}

extension FuzzCase {
    /// Whether a 2xx answer from `target` may carry something other than JSON.
    static func isNonJSONRoute(_ target: String) -> Bool {
        let path = target.split(separator: "?", maxSplits: 1).first.map(String.init) ?? target
        return path == "/metrics" || path.hasSuffix("/output") || path.hasSuffix("/preview")
    }

    /// The bytes, shortened and escaped for one line of the report.
    var excerpt: String {
        var text = ""
        for byte in bytes.prefix(160) {
            switch byte {
            case 0x0D: text += "\\r"
            case 0x0A: text += "\\n"
            case 0x5C: text += "\\\\"
            case 0x20..<0x7F: text += String(UnicodeScalar(byte))
            default: text += "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16)
            }
        }
        return bytes.count > 160 ? text + "... (\(bytes.count) bytes)" : text
    }
}
