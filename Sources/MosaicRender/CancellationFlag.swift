import Synchronization

/// A flag that stops a render between tile evaluations.
public final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    /// Creates a flag that is not set.
    public init() {}

    /// Asks the render to stop; it does so before its next tile evaluation.
    public func cancel() { flag.store(true, ordering: .relaxed) }

    /// Whether `cancel()` was called.
    public var isCanceled: Bool { flag.load(ordering: .relaxed) }
}
