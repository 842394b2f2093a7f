import NIOCore

/// The one timer of a connection: while it waits for a request (idle timeout), while a request
/// arrives (read timeout, from its first byte to its end), none while it is answered (an event
/// stream may last hours). When the timer fires the connection is closed.
///
/// Confined to the connection's event loop: only its handlers touch it.
final class ConnectionDeadline {
    /// Where the connection is in its request cycle.
    enum Phase { case idle, reading, answering }

    private(set) var phase = Phase.answering
    private var timer: Scheduled<Void>?
    private let channel: Channel
    private let readTimeout: TimeAmount
    private let idleTimeout: TimeAmount
    private let onExpiry: (Phase) -> Void

    /// Creates the deadline of `channel`; call `enter(.idle)` once the connection is set up.
    init(channel: Channel, limits: HTTPServerLimits, onExpiry: @escaping (Phase) -> Void) {
        self.channel = channel
        readTimeout = .nanoseconds(Int64(limits.readTimeout * 1e9))
        idleTimeout = .nanoseconds(Int64(limits.idleTimeout * 1e9))
        self.onExpiry = onExpiry
    }

    /// Moves to `phase` and restarts the timer that belongs to it.
    func enter(_ phase: Phase) {
        timer?.cancel()
        timer = nil
        self.phase = phase
        let timeout: TimeAmount
        switch phase {
        case .idle: timeout = idleTimeout
        case .reading: timeout = readTimeout
        case .answering: return
        }
        timer = channel.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
            guard channel.isActive else { return }
            onExpiry(phase)
            channel.close(promise: nil)
        }
    }

    /// Stops the timer for good (the connection closed).
    func cancel() {
        timer?.cancel()
        timer = nil
        phase = .answering
    }
}
