import Foundation

/// Everything a fuzz run needs, resolved from the command line.
struct FuzzSettings {
    /// The `mosaicd` executable.
    var mosaicd: URL
    /// Where the daemons' state, sockets and logs go.
    var workDirectory: URL
    /// Fuzz cases to send.
    var requests: Int
    /// Seed of the cases (and of the render).
    var seed: UInt64
    /// Cases sent before the memory baseline is taken.
    var warmup: Int
    /// The daemon's render threads.
    var threads: Int
    /// The render's side in px and its steps.
    var size: Int
    var steps: Int
    /// Stalls that may run at once.
    var maxStalls: Int
    /// Allowed growth of the daemon's RSS from after the warm-up to the end, in percent.
    var maxRSSGrowth: Double
    /// Seconds the render may take to finish after the fuzz.
    var renderTimeout: Double
    /// Print a progress line every this many cases (0: none).
    var progressEvery: Int
}
