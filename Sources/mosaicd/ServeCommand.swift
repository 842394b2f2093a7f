import ArgumentParser
import Foundation
import Logging
import MosaicDaemon
import MosaicSystemd

/// `mosaicd serve`: run the queue daemon (the default subcommand).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the render queue daemon (the default when no subcommand is given).",
        discussion: """
            Serves the HTTP/JSON API (docs/api.md) on a Unix socket, keeps the queue in SQLite \
            (STATE-DIR/mosaic.sqlite, WAL mode), renders one job at a time and writes outputs to \
            STATE-DIR/outputs/. Under systemd it uses the socket passed by mosaicd.socket, reports \
            READY=1, STATUS=, WATCHDOG=1 and STOPPING=1, and logs with journald priority prefixes.

            After every denoising step the render state is checkpointed (STATE-DIR/checkpoints/ID/, \
            safetensors); every finished tile is journaled. SIGTERM or SIGINT stops the render after \
            the tile in progress; after SIGTERM, SIGKILL or a power loss the job resumes from its newest \
            valid checkpoint, reusing the journaled tiles, and ends bit-identical to an uninterrupted \
            render. A job resumed --max-stalled-resumes times at one step without getting further is \
            failed instead of crashing the daemon again.

            CONFIG FILE
              key = value lines: state_dir, socket, threads, models,
              admin_group, socket_group, max_stalled_resumes, max_job_memory,
              max_job_disk, max_queued_jobs, max_queued_jobs_per_user,
              read_timeout, idle_timeout, max_connections, max_event_streams,
              read_others_jobs. Each option below sets the key of the same
              name (--private-jobs: read_others_jobs = false); options
              override the file.

            LIMITS (key = default)
              max_job_memory = 75%     a job's estimated peak memory: a size
                                       (8G, 512M) or a share of available
                                       memory (MemAvailable, else sysinfo's
                                       free memory, capped by the cgroup's
                                       memory.max), checked at submission
                                       and again when the job starts
              max_job_disk = 90%       a job's estimated disk use (checkpoints,
                                       tile journal, output) against the
                                       state directory's free space
              max_queued_jobs = 10000  queued jobs in all (429 beyond)
              max_queued_jobs_per_user = 1000   queued jobs of one user (429)
              read_timeout = 30        seconds from a request's first byte to
                                       its end, else the connection is closed
              idle_timeout = 60        seconds without a request, then closed
              max_connections = 512    open connections (503 and close beyond)
              max_event_streams = 256  open event streams (429 beyond)
              read_others_jobs = true  false: users read only their own jobs
              A job over a budget is refused with 422 and its estimate; one
              that no longer fits when it would start is failed, naming the
              budget, and the queue goes on.

            QUICK START WITHOUT ROOT
              mosaicd serve --state-dir ~/.local/state/mosaic --socket $XDG_RUNTIME_DIR/mosaicd.sock
            """)

    @Option(help: "State directory (default: $STATE_DIRECTORY or /var/lib/mosaic).")
    var stateDir: String?

    @Option(help: "The API socket (default: /run/mosaic/mosaicd.sock).")
    var socket: String?

    @Option(help: "Render worker threads (default: all cores).")
    var threads: Int?

    @Option(help: "Where model folders live.")
    var models: String?

    @Option(help: "A config file of key = value lines.")
    var config: String?

    @Option(help: "Members of this group may cancel, retry and remove every job and pause the queue.")
    var adminGroup: String?

    @Option(help: "Group of the socket when mosaicd creates it (mode 0660).")
    var socketGroup: String?

    @Option(help: "Fail a job resumed this many times at one step without getting further (default: 3).")
    var maxStalledResumes: Int?

    @Option(
        help: ArgumentHelp(
            "Largest estimated peak memory of one job: a size (8G) or a share of available memory (default: 75%).",
            valueName: "size|percent"))
    var maxJobMemory: String?

    @Option(
        help: ArgumentHelp(
            "Largest estimated disk use of one job: a size or a share of the state directory's free space (default: 90%).",
            valueName: "size|percent"))
    var maxJobDisk: String?

    @Option(help: "Queued jobs in all; more submissions get 429 (default: 10000).")
    var maxQueuedJobs: Int?

    @Option(help: "Queued jobs of one user; more submissions get 429 (default: 1000).")
    var maxQueuedJobsPerUser: Int?

    @Option(help: "Seconds a request may take from its first byte to the end of its body (default: 30).")
    var readTimeout: Double?

    @Option(help: "Seconds a connection may stay open without a request (default: 60).")
    var idleTimeout: Double?

    @Option(help: "Open connections at once; more are answered 503 and closed (default: 512).")
    var maxConnections: Int?

    @Option(help: "Open event streams (watch) at once; more get 429 (default: 256).")
    var maxEventStreams: Int?

    @Option(
        help:
            "Nice value (0...19) of the render threads, above the API's, so answers do not wait behind a render (default: 10)."
    )
    var renderNice: Int?

    @Flag(help: "Users may read only their own jobs (read_others_jobs = false); root and the admin group read all.")
    var privateJobs = false

    /// The options that map one to one onto config keys, as text.
    var keyedOptions: [(String, String?)] {
        [
            ("max_job_memory", maxJobMemory), ("max_job_disk", maxJobDisk),
            ("max_queued_jobs", maxQueuedJobs.map(String.init)),
            ("max_queued_jobs_per_user", maxQueuedJobsPerUser.map(String.init)),
            ("read_timeout", readTimeout.map { String($0) }), ("idle_timeout", idleTimeout.map { String($0) }),
            ("max_connections", maxConnections.map(String.init)),
            ("max_event_streams", maxEventStreams.map(String.init)),
            ("read_others_jobs", privateJobs ? "false" : nil), ("render_nice", renderNice.map(String.init)),
        ]
    }

    func run() async throws {
        var configuration = DaemonConfiguration.defaults()
        do {
            if let config { try configuration.apply(configFile: config) }
        } catch {
            throw UsageError(message: error.description)
        }
        if let stateDir { configuration.stateDirectory = stateDir }
        if let socket { configuration.socketPath = socket }
        if let threads {
            guard (1...1024).contains(threads) else {
                throw UsageError(message: "invalid threads: \(threads) is outside 1...1024")
            }
            configuration.threads = threads
        }
        if let models { configuration.modelsDirectory = models }
        if let adminGroup { configuration.adminGroup = adminGroup }
        if let socketGroup { configuration.socketGroup = socketGroup }
        if let maxStalledResumes {
            guard maxStalledResumes >= 1 else {
                throw UsageError(message: "invalid max-stalled-resumes: must be at least 1")
            }
            configuration.maxStalledResumes = maxStalledResumes
        }
        for case (let key, let value?) in keyedOptions {
            do { try configuration.set(key, to: value) } catch {
                throw UsageError(message: "invalid --\(key.replacingOccurrences(of: "_", with: "-")): \(error.reason)")
            }
        }
        LoggingSystem.bootstrap { JournalLogHandler(label: $0) }
        let daemon = Daemon(configuration: configuration, logger: Logger(label: "mosaicd"))
        try await daemon.run()
    }
}
