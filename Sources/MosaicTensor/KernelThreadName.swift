import Foundation

/// The calling thread's name as the kernel knows it (`comm`: what top, perf and /proc show).
///
/// Foundation's `Thread.name` does not reach the kernel on Linux, and `pthread_setname_np` is
/// not visible to Swift there, so the name is written to /proc/thread-self/comm.
public enum KernelThreadName {
    /// Names the calling thread (the kernel keeps the first 15 bytes); false if /proc refused.
    @discardableResult
    public static func set(_ name: String) -> Bool {
        #if os(Linux)
            let fd = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
            guard fd >= 0 else { return false }
            defer { close(fd) }
            let bytes = Array(name.utf8.prefix(15))
            return bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == bytes.count
        #else
            return false
        #endif
    }
}
