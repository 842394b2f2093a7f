// Renders parallelise over tiles on threads of their own, so each BLAS call must stay on one
// thread: OpenBLAS's own workers would fight the pool over the same cores. Whoever starts
// renders makes one of these, and the threading is set in one place.

import MosaicTensor

/// The threads renders run on: a worker pool for tiles, previews and the decode, with OpenBLAS
/// kept single-threaded beneath it.
public final class RenderThreads: Sendable {
    /// The pool to pass to ``Renderer`` and ``Renderer/decodeImage(pool:)``.
    public let pool: WorkerPool

    /// Makes OpenBLAS single-threaded and starts `count` workers, at `niceness` when given.
    public init(count: Int, niceness: Int32? = nil) {
        BLAS.useSingleThread()
        pool = WorkerPool(threadCount: count, niceness: niceness)
    }

    /// Lowers the calling thread (the one that steps renders between the pool's loops) to
    /// `niceness`; returns the niceness it now has.
    public static func lowerCurrentThread(to niceness: Int32) throws(ThreadNiceness.Failure) -> Int32 {
        try ThreadNiceness.lowerCurrentThread(to: niceness)
    }

    /// Names the calling thread `name` for `top -H` and `perf` (15 bytes at most on Linux);
    /// returns whether the kernel took it.
    @discardableResult
    public static func nameCurrentThread(_ name: String) -> Bool { KernelThreadName.set(name) }

    /// Stops the workers; the pool must not be used afterwards.
    public func shutdown() { pool.shutdown() }
}
