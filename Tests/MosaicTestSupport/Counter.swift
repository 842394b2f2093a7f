import Synchronization

/// A count shared with the fake daemon's thread.
public final class Counter: Sendable {
    private let value = Mutex(0)

    /// A counter at zero.
    public init() {}

    /// The count before this call.
    public func next() -> Int {
        value.withLock { count in
            defer { count += 1 }
            return count
        }
    }
}
