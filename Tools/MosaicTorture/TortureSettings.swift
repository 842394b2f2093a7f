import Foundation

/// A torture run's parameters, resolved from the command line.
struct TortureSettings: Sendable {
    /// The `mosaicd` executable (serve and the reference renders).
    var mosaicd: URL
    /// Holds the daemon's log, the copied outputs and the references (and by default the state
    /// directory and the socket).
    var workDirectory: URL
    var stateDirectory: String
    var socketPath: String
    /// The daemon's `--threads` at the first start; restarts may vary it (see `varyThreads`).
    var threads: Int
    var varyThreads: Bool
    /// `MOSAIC_FAULTS` for the daemon; nil for none.
    var faults: String?
    var jobs: Int
    /// Submit one more job whenever the queue runs empty before the last kill.
    var refill: Bool
    var kills: Int
    var seed: UInt64
    /// The renders' base size in px and step count.
    var size: Int
    var steps: Int
    /// Seconds a restarted daemon may take to answer.
    var readyTimeout: Double
    /// Seconds the queue may take to finish after the last kill.
    var drainTimeout: Double
    /// Print a line per kill on stderr.
    var verbose: Bool
}
