import Foundation
import MosaicTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Runs test code in a forked child, so it may change the environment and descriptor 3
/// without racing the test runner's other threads (swift-testing runs suites in parallel,
/// and glibc's setenv is not safe against a concurrent getenv).
enum ForkedChild {
    /// Runs `body` in a child process and returns its failure message, or nil when it passed.
    ///
    /// The child only makes system calls and formats strings, then leaves with `_exit`, so it
    /// never returns into the runner; `alarm` turns a hang (a lock held by another thread at
    /// fork time) into a failure instead of a stuck test.
    static func run(_ body: () -> String?) -> String? {
        var fds: [Int32] = [-1, -1]
        // SOCK_CLOEXEC: processes spawned meanwhile by other tests must not inherit the write
        // end, or the read below would wait for them too.
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        guard socketpair(AF_UNIX, type, 0, &fds) == 0 else { return "socketpair failed: errno \(errno)" }
        let pid = SerialFork.fork()
        if pid == 0 {
            close(fds[0])
            alarm(20)
            let failure = body()
            if let failure {
                let bytes = Array(failure.utf8)
                _ = bytes.withUnsafeBytes { write(fds[1], $0.baseAddress, $0.count) }
            }
            _exit(failure == nil ? 0 : 1)
        }
        close(fds[1])
        defer { close(fds[0]) }
        guard pid > 0 else { return "fork failed: errno \(errno)" }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fds[0], $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            output += chunk[0..<count]
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let message = String(decoding: output, as: UTF8.self)
        let signal = status & 0x7f
        if signal != 0 { return "child killed by signal \(signal)" + (signal == SIGALRM ? " (timed out)" : "") }
        let code = (status >> 8) & 0xff
        if code != 0 { return message.isEmpty ? "child exited with status \(code)" : message }
        return nil
    }
}

/// Environment changes for code running in a ``ForkedChild``.
enum ChildEnvironment {
    /// Sets `name` to `value`, or removes it when `value` is nil.
    static func set(_ name: String, _ value: String?) {
        if let value {
            setenv(name, value, 1)
        } else {
            unsetenv(name)
        }
    }
}
