import Foundation

/// Switches the load clients on and off: while closed they wait on a condition, so the
/// unloaded windows carry no load at all (200 threads polling a flag would be load themselves).
final class LoadGate: @unchecked Sendable {
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var open: Bool
    private var stopped = false

    /// A gate, open or closed.
    init(open: Bool) { self.open = open }

    /// Whether clients may work now.
    var isOpen: Bool {
        condition.lock()
        defer { condition.unlock() }
        return open && !stopped
    }

    /// Whether the clients are to end.
    var isStopped: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopped
    }

    /// Opens or closes the gate.
    func set(open: Bool) {
        condition.lock()
        self.open = open
        condition.broadcast()
        condition.unlock()
    }

    /// Ends the clients' work for good.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until the gate is open or stopped; returns whether it had to wait.
    func waitUntilOpen() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        var waited = false
        while !open && !stopped {
            condition.wait()
            waited = true
        }
        return waited
    }
}
