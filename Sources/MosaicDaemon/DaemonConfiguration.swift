import Foundation

/// Where the daemon keeps its state and how it serves.
///
/// Values come from, in increasing precedence: built-in defaults, `$STATE_DIRECTORY` (set by
/// systemd's `StateDirectory=`), the optional config file, and command-line options.
public struct DaemonConfiguration: Sendable, Equatable {
    /// Holds `mosaic.sqlite`, `outputs/`, `checkpoints/` and `images/`.
    public var stateDirectory: String
    /// The API socket.
    public var socketPath: String
    /// Render worker threads.
    public var threads: Int
    /// Where model folders live.
    public var modelsDirectory: String?
    /// Members of this group may modify every job.
    public var adminGroup: String?
    /// The socket's group when the daemon binds it itself.
    public var socketGroup: String?
    /// A job resumed this many times at one step without getting further is failed.
    public var maxStalledResumes: Int = 3
    /// The largest estimated peak memory of one job (`max_job_memory`).
    public var maxJobMemory: ByteBudget = .fraction(0.75)
    /// The largest estimated disk use of one job, of the state directory's free space (`max_job_disk`).
    public var maxJobDisk: ByteBudget = .fraction(0.9)
    /// Queued jobs in all (`max_queued_jobs`); a submission beyond gets 429.
    public var maxQueuedJobs: Int = 10_000
    /// Queued jobs of one user (`max_queued_jobs_per_user`); a submission beyond gets 429.
    public var maxQueuedJobsPerUser: Int = 1_000
    /// Seconds a request may take to arrive, from its first byte to the end of its body.
    public var readTimeout: Double = 30
    /// Seconds a connection may stay open without a request in progress.
    public var idleTimeout: Double = 60
    /// Open connections at once; more are answered 503 and closed.
    public var maxConnections: Int = 512
    /// Open event streams (`GET /v1/jobs/ID/events`) at once; more get 429.
    public var maxEventStreams: Int = 256
    /// The nice value of the render threads (`render_nice`): above the event loop's, so that
    /// API answers do not wait behind a render for a time slice.
    public var renderNice: Int = 10
    /// Whether users may read (show, list, log, watch, output, preview) others' jobs.
    public var readOthersJobs: Bool = true
    /// The largest image upload (`POST /v1/images`) in bytes (`max_upload_bytes`); larger get 413.
    /// Every other request keeps the small body limit.
    public var maxUploadBytes: Int = 256 << 20
    /// The most pixels an uploaded image may have (`max_image_pixels`), checked against its
    /// header before it is decoded; each side is at most 16383 px, WebP's limit.
    public var maxImagePixels: Int = 16384 * 16384

    /// The default socket path.
    public static let defaultSocketPath = "/run/mosaic/mosaicd.sock"

    /// The defaults, honouring `$STATE_DIRECTORY`.
    public static func defaults(environment: [String: String] = ProcessInfo.processInfo.environment)
        -> DaemonConfiguration
    {
        let state = environment["STATE_DIRECTORY"]?.split(separator: ":").first.map(String.init) ?? "/var/lib/mosaic"
        return DaemonConfiguration(
            stateDirectory: state, socketPath: defaultSocketPath,
            threads: ProcessInfo.processInfo.activeProcessorCount, modelsDirectory: nil, adminGroup: nil,
            socketGroup: nil)
    }
}
