import Synchronization

/// Counts the open connections against the cap.
final class ConnectionCounter: Sendable {
    private let count = Mutex(0)
    /// The cap.
    let limit: Int

    init(limit: Int) { self.limit = limit }

    /// Counts a new connection if the cap allows it; false when it is reached.
    func tryAcquire() -> Bool {
        count.withLock { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
    }

    /// Uncounts a connection that closed.
    func release() { count.withLock { $0 -= 1 } }

    /// The open connections.
    var current: Int { count.withLock { $0 } }
}
