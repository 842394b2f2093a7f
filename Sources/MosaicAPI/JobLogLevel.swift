/// How much a job's log line matters; the wire form is the name (`"info"`, `"warning"`, `"error"`).
public enum JobLogLevel: String, Codable, Sendable, CaseIterable {
    /// Something happened as planned (submitted, started, resumed, rendered).
    case info
    /// Something went wrong and the job carries on (requeued, a checkpoint unusable).
    case warning
    /// The job failed.
    case error
}
