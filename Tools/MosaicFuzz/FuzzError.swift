import MosaicClient

/// Why the fuzz run could not go on; failed checks are findings in the report, not errors.
enum FuzzError: Error, CustomStringConvertible {
    /// The `mosaicd` executable is not where it was looked for.
    case daemonMissing(path: String)
    /// A file or directory the run needs could not be made or read.
    case io(path: String, reason: String)
    /// `mosaicd serve` could not be started.
    case cannotStart(reason: String)
    /// The daemon exited; `log` is the end of its output.
    case exited(status: Int32, log: String)
    /// The daemon did not answer on its socket in time.
    case notReady(seconds: Double, log: String)
    /// A typed client call failed where it must not.
    case client(what: String, ClientError)
    /// A render did not finish in time.
    case renderTimeout(jobId: Int64, seconds: Double)

    var description: String {
        switch self {
        case .daemonMissing(let path):
            "no mosaicd at \(path) (build it with `swift build --product mosaicd`, or pass --mosaicd PATH)"
        case .io(let path, let reason): "\(path): \(reason)"
        case .cannotStart(let reason): "cannot start mosaicd: \(reason)"
        case .exited(let status, let log): "mosaicd exited with status \(status); its log ends:\n\(log)"
        case .notReady(let seconds, let log): "mosaicd did not answer within \(Int(seconds)) s; its log ends:\n\(log)"
        case .client(let what, let error): "\(what): \(error)"
        case .renderTimeout(let id, let seconds): "job \(id) did not finish within \(Int(seconds)) s"
        }
    }
}
