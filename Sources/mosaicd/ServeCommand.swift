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
              key = value lines: state_dir, socket, threads, models, admin_group, socket_group,
              max_stalled_resumes.
              Command-line options override it.

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
            guard (1...1024).contains(threads) else { throw UsageError(message: "invalid threads: \(threads) is outside 1...1024") }
            configuration.threads = threads
        }
        if let models { configuration.modelsDirectory = models }
        if let adminGroup { configuration.adminGroup = adminGroup }
        if let socketGroup { configuration.socketGroup = socketGroup }
        if let maxStalledResumes {
            guard maxStalledResumes >= 1 else { throw UsageError(message: "invalid max-stalled-resumes: must be at least 1") }
            configuration.maxStalledResumes = maxStalledResumes
        }
        LoggingSystem.bootstrap { JournalLogHandler(label: $0) }
        let daemon = Daemon(configuration: configuration, logger: Logger(label: "mosaicd"))
        try await daemon.run()
    }
}
