import Foundation

/// One line of `GET /v1/jobs/{id}/events` (newline-delimited JSON).
///
/// The stream starts with a `state` event (the job as it is), then sends `state` events on
/// every transition, `progress` events (at most five a second, the newest winning), `log` events, and ends with
/// an `end` event carrying the final job, after which the daemon closes the stream.
public struct JobEvent: Codable, Sendable, Equatable {
    /// The wire names: snake_case, spelled out (a key strategy costs every key of every decode).
    enum CodingKeys: String, CodingKey {
        case type
        case jobId = "job_id"
        case time, state, progress, message, job
    }

    /// What kind of event this is.
    public enum Kind: String, Codable, Sendable { case state, progress, log, end }

    /// The kind.
    public var type: Kind
    /// The job id.
    public var jobId: Int64
    /// When the daemon emitted it.
    public var time: Date
    /// The job's state (state and end events).
    public var state: JobState?
    /// Progress (progress events).
    public var progress: JobProgress?
    /// A log message (log events).
    public var message: String?
    /// The whole job (state and end events).
    public var job: Job?

    /// Creates an event.
    public init(
        type: Kind, jobId: Int64, time: Date = Date(), state: JobState? = nil, progress: JobProgress? = nil,
        message: String? = nil, job: Job? = nil
    ) {
        self.type = type
        self.jobId = jobId
        self.time = time
        self.state = state
        self.progress = progress
        self.message = message
        self.job = job
    }
}
