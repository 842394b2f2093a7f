import Dispatch
import Foundation
import Synchronization

/// Writes a render's checkpoints on a thread of its own, one at a time, while the next step
/// computes: the fsyncs of a 30 MB checkpoint would otherwise stall the tiles for a tenth of a
/// second every step.
///
/// A checkpoint counts (and the job's row records its step) only once its write has completed;
/// a crash during a write leaves the previous checkpoint in place. Errors surface at the next
/// `submit` or at `drain`.
public final class CheckpointWriter: Sendable {
    private let queue = DispatchQueue(label: "mosaic.checkpoint-writer")
    private let idle = DispatchSemaphore(value: 1)
    private let failure = Mutex<(any Error)?>(nil)

    /// Creates an idle writer.
    public init() {}

    /// Queues `write` after the previous one has finished; rethrows an earlier write's error.
    public func submit(_ write: @escaping @Sendable () throws -> Void) throws {
        idle.wait()
        if let error = failure.withLock({ $0 }) {
            idle.signal()
            throw error
        }
        queue.async { [self] in
            do { try write() } catch { failure.withLock { $0 = $0 ?? error } }
            idle.signal()
        }
    }

    /// Waits for the write in flight; rethrows its error.
    public func drain() throws {
        idle.wait()
        idle.signal()
        if let error = failure.withLock({ $0 }) { throw error }
    }
}
