import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Writes whole lines so that lines from concurrent loggers never interleave.
enum JournalLineWriter {
    /// Serialises writers: one write(2) per line is atomic on pipes only up to PIPE_BUF
    /// (4 KiB), and journald's stdout stream is a socket, where a short write could let
    /// another thread's line land inside this one.
    private static let lock = Mutex(())

    /// Writes `line` to `fd`, retrying on EINTR and on short writes; errors are dropped,
    /// since a logger has nowhere left to report them.
    static func write(_ line: String, to fd: Int32) {
        var bytes = Array(line.utf8)
        lock.withLock { _ in
            bytes.withUnsafeMutableBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = Glibc.write(fd, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        return
                    }
                    offset += written
                }
            }
        }
    }
}
