#if canImport(Glibc)
    import Glibc
#endif

/// The scheduling niceness of the calling thread (Linux keeps one per thread).
///
/// The daemon's render threads run at a higher nice value than its API's event loop: on a
/// machine with as many render threads as cores, the event loop otherwise waits for a time
/// slice behind them and every answer's latency grows by a scheduler period.
public enum ThreadNiceness {
    /// Why the niceness could not be set.
    public struct Failure: Error, CustomStringConvertible {
        /// The nice value asked for.
        public let niceness: Int32
        /// `errno` of `setpriority`.
        public let code: Int32

        public var description: String {
            "cannot set the render threads' nice value to \(niceness): setpriority: \(String(cString: strerror(code)))"
        }
    }

    /// Sets the calling thread's nice value to `niceness`, or leaves it where it is when the
    /// thread is already nicer (lowering it needs privilege, and the service manager's `Nice=`
    /// should win). Returns the nice value the thread has now.
    @discardableResult
    public static func lowerCurrentThread(to niceness: Int32) throws(Failure) -> Int32 {
        #if os(Linux)
            // Linux applies PRIO_PROCESS with id 0 to the calling thread alone (the nice value is
            // per thread under NPTL; see setpriority(2), BUGS), so no thread id is needed.
            let thread: id_t = 0
            errno = 0
            let current = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), thread)
            if errno == 0, current >= niceness { return current }
            guard setpriority(__priority_which_t(PRIO_PROCESS.rawValue), thread, niceness) == 0 else {
                throw Failure(niceness: niceness, code: errno)
            }
            return niceness
        #else
            return 0
        #endif
    }
}
