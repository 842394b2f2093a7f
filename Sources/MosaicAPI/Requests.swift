import Foundation

/// `POST /v1/jobs`: a render and its priority.
public struct SubmitRequest: Codable, Sendable, Equatable {
    /// The wire names.
    enum CodingKeys: String, CodingKey, CaseIterable {
        case render, priority
    }

    /// The JSON field names, from `CodingKeys`: the daemon refuses any other field.
    public static var fieldNames: Set<String> { Set(CodingKeys.allCases.map(\.stringValue)) }

    /// What to render.
    public var render: RenderSpec
    /// Higher runs first (-100...100, default 0).
    public var priority: Int?

    /// Creates a submission.
    public init(render: RenderSpec, priority: Int? = nil) {
        self.render = render
        self.priority = priority
    }
}

/// `GET /v1/jobs`: one page of jobs, newest first.
public struct JobPage: Codable, Sendable, Equatable {
    /// The wire names: snake_case, spelled out (a key strategy costs every key of every decode).
    enum CodingKeys: String, CodingKey {
        case jobs
        case nextBefore = "next_before"
    }

    /// The jobs on this page.
    public var jobs: [Job]
    /// Pass as `before` to get the next page; nil on the last page.
    public var nextBefore: Int64?

    /// Creates a page.
    public init(jobs: [Job], nextBefore: Int64?) {
        self.jobs = jobs
        self.nextBefore = nextBefore
    }
}

/// `POST /v1/jobs/prune`: remove finished jobs (and their files) in bulk.
public struct PruneRequest: Codable, Sendable, Equatable {
    /// The wire names: snake_case, spelled out (a key strategy costs every key of every decode).
    enum CodingKeys: String, CodingKey, CaseIterable {
        case olderThanSeconds = "older_than_seconds"
        case states
    }

    /// The JSON field names, from `CodingKeys`: the daemon refuses any other field.
    public static var fieldNames: Set<String> { Set(CodingKeys.allCases.map(\.stringValue)) }

    /// Only jobs that finished at least this many seconds ago (default: any age).
    public var olderThanSeconds: Double?
    /// Only jobs in these states (default: every finished state).
    public var states: [JobState]?

    /// Creates a prune request.
    public init(olderThanSeconds: Double? = nil, states: [JobState]? = nil) {
        self.olderThanSeconds = olderThanSeconds
        self.states = states
    }
}

/// The answer to a prune: the ids removed.
public struct PruneResult: Codable, Sendable, Equatable {
    /// The wire names.
    enum CodingKeys: String, CodingKey {
        case removed
        case removedImages = "removed_images"
    }

    /// The removed jobs' ids.
    public var removed: [Int64]
    /// The removed images' ids: uploads older than the cutoff that no remaining job names
    /// (absent from daemons that predate images).
    public var removedImages: [Int64]?

    /// Creates a result.
    public init(removed: [Int64], removedImages: [Int64]? = nil) {
        self.removed = removed
        self.removedImages = removedImages
    }
}

/// `GET /v1/status`: the daemon at a glance.
public struct DaemonStatus: Codable, Sendable, Equatable {
    /// The wire names: snake_case, spelled out (a key strategy costs every key of every decode).
    enum CodingKeys: String, CodingKey {
        case version
        case uptimeSeconds = "uptime_seconds"
        case paused, counts, running, threads
    }

    /// The daemon's version.
    public var version: String
    /// Seconds since the daemon started.
    public var uptimeSeconds: Double
    /// Whether the queue is paused (no new jobs start).
    public var paused: Bool
    /// Jobs per state (every state present, zero included).
    public var counts: [String: Int]
    /// The job being rendered, if any.
    public var running: Job?
    /// Worker threads.
    public var threads: Int

    /// Creates a status.
    public init(
        version: String, uptimeSeconds: Double, paused: Bool, counts: [String: Int], running: Job?, threads: Int
    ) {
        self.version = version
        self.uptimeSeconds = uptimeSeconds
        self.paused = paused
        self.counts = counts
        self.running = running
        self.threads = threads
    }
}

/// `GET /v1/models`: one model the daemon can render with, or an upscaler it can enlarge images with.
public struct ModelInfo: Codable, Sendable, Equatable {
    /// The wire names: snake_case, spelled out (a key strategy costs every key of every decode).
    enum CodingKeys: String, CodingKey {
        case name, kind, summary, scale, architecture
        case defaultGuidance = "default_guidance"
    }

    /// The name jobs use.
    public var name: String
    /// `built-in`, `stable-diffusion` or `upscaler`.
    public var kind: String
    /// One line about it.
    public var summary: String
    /// The guidance scale used when a job names none (0 for upscalers, which take no guidance).
    public var defaultGuidance: Float
    /// An upscaler's factor on each side; absent for diffusion models.
    public var scale: Int?
    /// An upscaler's network, e.g. `RRDBNet (Real-ESRGAN keys, nf 64, gc 32, nb 23)`; absent for diffusion models.
    public var architecture: String?

    /// Creates a model description.
    public init(
        name: String, kind: String, summary: String, defaultGuidance: Float, scale: Int? = nil,
        architecture: String? = nil
    ) {
        self.name = name
        self.kind = kind
        self.summary = summary
        self.defaultGuidance = defaultGuidance
        self.scale = scale
        self.architecture = architecture
    }
}

/// A line of a job's log: a message for people and, for programs, the event it records.
public struct LogLine: Codable, Sendable, Equatable {
    /// When it was written.
    public var time: Date
    /// How much it matters.
    public var level: JobLogLevel
    /// What happened, in words.
    public var message: String
    /// What happened, as a kind and its fields; nil for lines written before events were logged.
    public var event: JobLogEvent?

    /// Creates a log line.
    public init(time: Date, level: JobLogLevel, message: String, event: JobLogEvent? = nil) {
        self.time = time
        self.level = level
        self.message = message
        self.event = event
    }

    /// The wire names.
    enum CodingKeys: String, CodingKey {
        case time, level, message, event
    }

    /// Only an event's `kind`, to tell a kind this version does not know from a malformed event.
    private struct EventKind: Decodable {
        let kind: String
    }

    /// Decodes a line; an event of a kind a later daemon added reads as no event, so the line
    /// (and the rest of the log) still reads.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        time = try c.decode(Date.self, forKey: .time)
        level = try c.decode(JobLogLevel.self, forKey: .level)
        message = try c.decode(String.self, forKey: .message)
        if let kind = try c.decodeIfPresent(EventKind.self, forKey: .event),
            JobLogEvent.Kind(rawValue: kind.kind) != nil
        {
            event = try c.decode(JobLogEvent.self, forKey: .event)
        } else {
            event = nil
        }
    }
}
