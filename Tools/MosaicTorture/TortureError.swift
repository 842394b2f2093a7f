import MosaicClient

/// Why the torture run could not go on; failed checks are findings in the report, not errors.
enum TortureError: Error, CustomStringConvertible {
    /// The `mosaicd` executable is not where it was looked for.
    case daemonMissing(path: String)
    /// A file or directory the run needs could not be made or read.
    case io(path: String, reason: String)
    /// `mosaicd serve` could not be started at all.
    case cannotStart(reason: String)
    /// The daemon exited without being killed; `log` is the end of its output.
    case exited(status: Int32, log: String)
    /// The daemon did not answer on its socket in time.
    case notReady(seconds: Double, log: String)
    /// A call to the daemon failed where it must not.
    case client(what: String, ClientError)
    /// The uninterrupted reference render failed.
    case reference(jobId: Int64, status: Int32, output: String)
    /// The queue did not finish within the time allowed.
    case drainTimeout(seconds: Double, unfinished: [Int64])

    var description: String {
        switch self {
        case .daemonMissing(let path):
            "no mosaicd at \(path) (build it with `swift build --product mosaicd`, or pass --mosaicd PATH)"
        case .io(let path, let reason): "\(path): \(reason)"
        case .cannotStart(let reason): "cannot start mosaicd: \(reason)"
        case .exited(let status, let log): "mosaicd exited by itself with status \(status); its log ends:\n\(log)"
        case .notReady(let seconds, let log): "mosaicd did not answer within \(Int(seconds)) s; its log ends:\n\(log)"
        case .client(let what, let error): "\(what): \(error)"
        case .reference(let id, let status, let output):
            "the reference render of job \(id) exited with status \(status):\n\(output)"
        case .drainTimeout(let seconds, let unfinished):
            "jobs \(unfinished.map(String.init).joined(separator: ", ")) did not finish within \(Int(seconds)) s"
        }
    }
}
