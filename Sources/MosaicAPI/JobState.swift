/// Where a job is in its life cycle: `queued -> running -> succeeded | failed | canceled`.
public enum JobState: String, Codable, CaseIterable, Sendable, Comparable {
    /// Waiting for the worker.
    case queued
    /// Being rendered.
    case running
    /// Rendered; the output file exists.
    case succeeded
    /// Stopped by an error; `Job.error` says which.
    case failed
    /// Stopped by a user; `Job.canceledBy` says who.
    case canceled

    /// Whether the job has ended (and may be retried or removed).
    public var isFinished: Bool { self == .succeeded || self == .failed || self == .canceled }

    /// The life-cycle order, for sorting.
    var rank: Int {
        switch self {
        case .queued: 0
        case .running: 1
        case .succeeded: 2
        case .failed: 3
        case .canceled: 4
        }
    }

    public static func < (a: JobState, b: JobState) -> Bool { a.rank < b.rank }
}
