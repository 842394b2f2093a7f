import MosaicAPI

/// Why a `JobStore` operation failed, with the job and states involved.
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No job has this id.
    case notFound(Int64)
    /// The job is not in a state from which the requested transition is allowed.
    case invalidTransition(id: Int64, from: JobState, to: JobState)
    /// Progress and checkpoints are recorded only while the job runs.
    case notRunning(id: Int64, state: JobState)
    /// Only finished jobs (succeeded, failed, canceled) may be removed.
    case notFinished(id: Int64, state: JobState)
    /// An argument is out of range (a non-positive page size, ...).
    case invalidArgument(String)
    /// A stored value cannot be read back as its type; the row was written by something else.
    case corruptRow(id: Int64?, column: String, value: String)
    /// The database file was migrated by a newer version of the store than this one.
    case schemaTooNew(path: String, unknownMigrations: [String])
    /// A queue limit is reached: `queued` jobs are queued (of `owner` when given), `limit` allowed.
    case queueFull(queued: Int, limit: Int, owner: String?)
    /// A batch of `batch` jobs does not fit: `queued` are queued (of `owner` when given), `limit` allowed.
    case batchOverQueueLimit(batch: Int, queued: Int, limit: Int, owner: String?)
    /// No batch has this id.
    case batchNotFound(Int64)
    /// No image has this id.
    case imageNotFound(Int64)
    /// The image is named by these jobs (`init_image`), which keep it until they are removed.
    case imageInUse(id: Int64, jobs: [Int64])
    /// SQLite or GRDB failed (I/O, busy past the timeout, a constraint); `operation` names the call.
    case database(operation: String, message: String)

    /// One sentence for logs and API error bodies.
    public var description: String {
        switch self {
        case .notFound(let id):
            "job \(id) does not exist"
        case .invalidTransition(let id, let from, let to):
            "job \(id) is \(from.rawValue) and cannot become \(to.rawValue)"
        case .notRunning(let id, let state):
            "job \(id) is \(state.rawValue), not running"
        case .notFinished(let id, let state):
            "job \(id) is \(state.rawValue); only finished jobs can be removed"
        case .invalidArgument(let message):
            message
        case .corruptRow(let id, let column, let value):
            "job \(id.map(String.init) ?? "?") has an unreadable \(column): \(value)"
        case .schemaTooNew(let path, let unknown):
            "\(path) was migrated by a newer mosaicd (\(unknown.joined(separator: ", ")))"
        case .queueFull(let queued, let limit, let owner?):
            "\(owner) has \(queued) jobs queued, the most one user may have (\(limit))"
        case .queueFull(let queued, let limit, nil):
            "the queue holds \(queued) queued jobs, the most it may hold (\(limit))"
        case .batchOverQueueLimit(let batch, let queued, let limit, let owner?):
            "a batch of \(batch) jobs does not fit: \(owner) has \(queued) jobs queued and may have \(limit)"
        case .batchOverQueueLimit(let batch, let queued, let limit, nil):
            "a batch of \(batch) jobs does not fit: the queue holds \(queued) queued jobs and may hold \(limit)"
        case .batchNotFound(let id):
            "batch \(id) does not exist"
        case .imageNotFound(let id):
            "image \(id) does not exist"
        case .imageInUse(let id, let jobs):
            "image \(id) is the init image of job\(jobs.count == 1 ? "" : "s") \(jobs.map(String.init).joined(separator: ", ")); remove \(jobs.count == 1 ? "it" : "them") first"
        case .database(let operation, let message):
            "\(operation): \(message)"
        }
    }
}
