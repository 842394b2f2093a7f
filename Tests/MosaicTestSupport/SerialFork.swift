import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `fork()` for tests, one at a time across the whole test process.
///
/// Every test target links into one process, and OpenBLAS registers a fork handler
/// (`blas_thread_shutdown_`) that deadlocks when two threads fork at once: seen as a clean-clone
/// test run hung for 18 minutes (2026-11-28). Every test that forks goes through here.
public enum SerialFork {
    private static let lock = NSLock()

    /// Forks; returns the child's pid in the parent and 0 in the child, like `fork()`.
    /// The child must leave with `_exit` and never return into the test runner.
    public static func fork() -> pid_t {
        lock.withLock { Glibc.fork() }
    }
}
