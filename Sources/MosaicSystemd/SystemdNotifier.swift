import CSystemd

#if canImport(Glibc)
    import Glibc
#endif

/// Tells the service manager about the daemon's state through `sd_notify(3)`.
///
/// Every call is a no-op returning `false` when `NOTIFY_SOCKET` is unset (the daemon runs in a
/// terminal or under a test), so callers never need to know whether systemd started them.
/// The environment is read on every call and never unset, so a notifier can be created early
/// and shared freely between tasks.
public struct SystemdNotifier: Sendable {
    /// Creates a notifier; it holds no state, every message goes to the current `NOTIFY_SOCKET`.
    public init() {}

    /// Whether `NOTIFY_SOCKET` is set, that is whether a service manager listens for messages.
    public var isEnabled: Bool {
        getenv("NOTIFY_SOCKET") != nil
    }

    /// Sends `READY=1`: start-up is finished and the API socket accepts requests.
    @discardableResult
    public func ready() -> Bool {
        trySend("READY=1")
    }

    /// Sends `STATUS=<text>`, the one-line status that `systemctl status` shows.
    ///
    /// Newlines become spaces: a newline separates assignments in the protocol, so a job's
    /// prompt inside the text could otherwise forge `READY=1` or `STOPPING=1`.
    @discardableResult
    public func status(_ text: String) -> Bool {
        let oneLine = String(text.map { $0.isNewline ? " " : $0 })
        return trySend("STATUS=\(oneLine)")
    }

    /// Sends `STOPPING=1`: shutdown began (for example on SIGTERM), the current tile will finish.
    @discardableResult
    public func stopping() -> Bool {
        trySend("STOPPING=1")
    }

    /// Sends `RELOADING=1` with the current `MONOTONIC_USEC`, which systemd 253+ requires to
    /// match the reload to the request; send ``ready()`` once the reload is complete.
    @discardableResult
    public func reloading() -> Bool {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let usec = UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
        return trySend("RELOADING=1\nMONOTONIC_USEC=\(usec)")
    }

    /// Sends `WATCHDOG=1`; call it every ``watchdogInterval`` while the daemon is healthy.
    @discardableResult
    public func watchdog() -> Bool {
        trySend("WATCHDOG=1")
    }

    /// Sends `EXTEND_TIMEOUT_USEC=`: asks for `duration` more before systemd gives up on the
    /// current start or stop (a long migration, a tile that outlasts `TimeoutStopSec=`).
    /// Repeat it before each extension runs out; systemd ignores it outside start and stop.
    @discardableResult
    public func extendTimeout(by duration: Duration) -> Bool {
        let (seconds, attoseconds) = duration.components
        let usec = max(0, seconds) * 1_000_000 + max(0, attoseconds) / 1_000_000_000_000
        return trySend("EXTEND_TIMEOUT_USEC=\(usec)")
    }

    /// How often to send ``watchdog()``: half of `WATCHDOG_USEC`, as sd_watchdog_enabled(3)
    /// advises, so one late ping does not get the daemon killed.
    ///
    /// `nil` when the watchdog is off: `WATCHDOG_USEC` unset, zero or malformed, or
    /// `WATCHDOG_PID` naming another process (the variables leaked to a child of the service).
    public var watchdogInterval: Duration? {
        var usec: UInt64 = 0
        guard sd_watchdog_enabled(0, &usec) > 0, usec > 0 else { return nil }
        return .microseconds(Int64(clamping: usec / 2))
    }

    /// Sends newline-separated assignments (`"KEY=VALUE\nKEY=VALUE"`) as one datagram.
    ///
    /// - Returns: `true` when the message was sent, `false` when `NOTIFY_SOCKET` is unset.
    /// - Throws: ``SystemdNotifierError/sendFailed(state:errno:)`` when the socket refused it.
    @discardableResult
    public func send(_ state: String) throws(SystemdNotifierError) -> Bool {
        let result = mosaic_sd_notify(0, state)
        if result < 0 {
            throw .sendFailed(state: state, errno: -result)
        }
        return result > 0
    }

    /// The convenience methods swallow send errors: a lost notification must never stop a
    /// render, and systemd's own timeouts report a daemon that never became ready.
    private func trySend(_ state: String) -> Bool {
        (try? send(state)) ?? false
    }
}
