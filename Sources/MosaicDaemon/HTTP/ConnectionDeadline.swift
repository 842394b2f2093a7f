import NIOCore

/// The deadline of a connection: while it waits for a request (idle timeout), while a request
/// arrives (read timeout, from its first byte to its end), none while it is answered (an event
/// stream may last hours). When the deadline passes the connection is closed.
///
/// A polling client moves through all three phases on every request. Scheduling and cancelling
/// an event-loop timer at each move cost two timers per request (an allocation, a promise and a
/// heap update each), so a phase change only notes its deadline, and one timer per connection
/// checks it: the timer fires at the deadline or `checkInterval` after it was armed, whichever
/// is first, closes the connection if the deadline has passed, and otherwise arms itself for
/// the next check. A phase change re-arms it only for a deadline earlier than that next check,
/// which with the usual timeouts (a read timeout no longer than the idle timeout) is never.
///
/// Confined to the connection's event loop: only its handlers touch it.
final class ConnectionDeadline {
    /// Where the connection is in its request cycle.
    enum Phase { case idle, reading, answering }

    private(set) var phase = Phase.answering
    /// When the current phase's time is up; nil while answering.
    private var expiry: NIODeadline?
    private var timer: Scheduled<Void>?
    private var timerFires = NIODeadline.distantFuture
    private var stopped = false
    private let channel: Channel
    private let readTimeout: TimeAmount
    private let idleTimeout: TimeAmount
    /// The longest the timer waits between two checks: the read timeout (then a read deadline
    /// never comes before the next check), but not so short that the timer would spin.
    private let checkInterval: TimeAmount
    private let onExpiry: (Phase) -> Void

    /// Creates the deadline of `channel`; call `enter(.idle)` once the connection is set up.
    init(channel: Channel, limits: HTTPServerLimits, onExpiry: @escaping (Phase) -> Void) {
        self.channel = channel
        readTimeout = .nanoseconds(Int64(limits.readTimeout * 1e9))
        idleTimeout = .nanoseconds(Int64(limits.idleTimeout * 1e9))
        checkInterval = max(readTimeout, .milliseconds(100))
        self.onExpiry = onExpiry
    }

    /// Moves to `phase` and starts the time it is given.
    func enter(_ phase: Phase) {
        guard !stopped else { return }
        self.phase = phase
        let now = channel.eventLoop.now
        switch phase {
        case .idle: expiry = now + idleTimeout
        case .reading: expiry = now + readTimeout
        case .answering: expiry = nil
        }
        // Only a deadline earlier than the timer's next check needs it armed again (the first
        // phase, an idle timeout shorter than the read timeout).
        if let expiry, expiry < timerFires { arm(now: now) }
    }

    /// Stops the timer for good (the connection closed).
    func cancel() {
        stopped = true
        phase = .answering
        expiry = nil
        timer?.cancel()
        timer = nil
    }

    /// Arms the timer for the deadline or the next check, whichever comes first.
    private func arm(now: NIODeadline) {
        timer?.cancel()
        let when = min(expiry ?? .distantFuture, now + checkInterval)
        timerFires = when
        timer = channel.eventLoop.assumeIsolated().scheduleTask(deadline: when) { [self] in check() }
    }

    private func check() {
        timer = nil
        timerFires = .distantFuture
        guard !stopped, channel.isActive else { return }
        let now = channel.eventLoop.now
        if let expiry, expiry <= now {
            onExpiry(phase)
            channel.close(promise: nil)
            return
        }
        arm(now: now)
    }
}
