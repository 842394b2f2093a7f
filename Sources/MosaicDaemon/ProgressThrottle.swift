import MosaicAPI

/// Lets through at most one progress report per `interval`; the newest one held back waits for
/// the next report that is let through, or for `flush`.
///
/// A 1024 px render of 1000 built-in-model steps completes a step every few milliseconds: a
/// progress event per step was some 200 events a second for every watcher, and a database
/// write per step, for a display that a person reads a few times a second. Held-back reports
/// are superseded (the newest wins), never queued, and the worker flushes the last one before
/// the job's state changes, so the final progress is always delivered.
struct ProgressThrottle {
    /// Seconds between two reports let through.
    let interval: Double
    private var lastSent = -Double.infinity
    private var held: JobProgress?

    /// Creates a throttle that lets through one report per `interval` seconds.
    init(interval: Double) { self.interval = interval }

    /// `progress` if it may go out at `now` (seconds, any monotonic origin), else nil (then it
    /// is held until it goes out with a later report or `flush`).
    mutating func offer(_ progress: JobProgress, now: Double) -> JobProgress? {
        guard now - lastSent >= interval else {
            held = progress
            return nil
        }
        lastSent = now
        held = nil
        return progress
    }

    /// The report held back, if any (and then none).
    mutating func flush() -> JobProgress? {
        defer { held = nil }
        return held
    }
}
