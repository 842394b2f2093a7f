import Glibc

/// A connected AF_UNIX stream socket, closed when the value goes away.
///
/// The descriptor stays non-blocking and every read and write first polls with the timeout,
/// so a daemon that accepts but never answers cannot hang the caller.
final class UnixSocket {
    /// The socket's path, for error messages.
    let path: String
    /// The errno of the last read or write that failed, 0 if none did: EPIPE and ECONNRESET
    /// say the daemon closed the connection without reading the whole request.
    private(set) var lastFailure: Int32 = 0
    private let fd: Int32

    private init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    deinit { close(fd) }

    /// Connects to `path`, waiting at most `timeout` seconds for the listener's backlog to free up.
    static func open(path: String, timeout: Double) throws(ClientError) -> UnixSocket {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard !pathBytes.isEmpty, pathBytes.count < capacity else {
            throw .unreachable(socket: path, reason: "the socket path must have 1 to \(capacity - 1) bytes")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
            raw[pathBytes.count] = 0
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .unreachable(socket: path, reason: "socket(): \(errnoText())") }
        let connection = UnixSocket(fd: fd, path: path)
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)

        let deadline = Deadline(seconds: timeout)
        while true {
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            if result == 0 { return connection }
            switch errno {
            case EINTR:
                continue
            case EAGAIN:
                // A Unix socket whose backlog is full refuses at once rather than queueing us:
                // try again until the timeout, as a TCP SYN would be retried.
                guard !deadline.expired else { throw .timeout(socket: path, phase: "connect", seconds: timeout) }
                usleep(10_000)
            case EINPROGRESS:
                try connection.wait(for: Int16(POLLOUT), until: deadline, phase: "connect", timeout: timeout)
                var error: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
                guard error == 0 else { throw .unreachable(socket: path, reason: String(cString: strerror(error))) }
                return connection
            case EACCES:
                // The socket is mode 0660, group mosaic: the usual cause, so say it.
                throw .unreachable(socket: path, reason: "\(errnoText()) (is your user in the socket's group?)")
            default:
                throw .unreachable(socket: path, reason: errnoText())
            }
        }
    }

    /// Writes all of `bytes`, waiting at most `timeout` seconds whenever the socket is full.
    func write(_ bytes: [UInt8], timeout: Double) throws(ClientError) {
        var offset = 0
        while offset < bytes.count {
            // MSG_NOSIGNAL: a daemon that hung up must give us EPIPE, not kill us with SIGPIPE.
            let written = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written > 0 {
                offset += written
                continue
            }
            switch errno {
            case EINTR: continue
            case EAGAIN:
                try wait(
                    for: Int16(POLLOUT), until: Deadline(seconds: timeout), phase: "sending the request",
                    timeout: timeout)
            default:
                lastFailure = errno
                throw .connectionLost(socket: path, reason: "write: \(errnoText())")
            }
        }
    }

    /// Reads up to `buffer.count` bytes into `buffer` and returns how many; 0 means the daemon
    /// closed the connection. A nil `timeout` waits for as long as the daemon keeps the
    /// connection open. `awaitingAnswer` (a request was just sent) waits before the first try,
    /// as a read at once would almost always find nothing yet.
    func read(into buffer: UnsafeMutableRawBufferPointer, timeout: Double?, awaitingAnswer: Bool = false)
        throws(ClientError) -> Int
    {
        var mustWait = awaitingAnswer
        while true {
            if mustWait {
                try wait(
                    for: Int16(POLLIN), until: timeout.map { Deadline(seconds: $0) }, phase: "waiting for the answer",
                    timeout: timeout ?? 0)
            }
            let count = recv(fd, buffer.baseAddress, buffer.count, 0)
            if count >= 0 { return count }
            switch errno {
            case EINTR: mustWait = false
            case EAGAIN: mustWait = true
            default:
                lastFailure = errno
                throw .connectionLost(socket: path, reason: "read: \(errnoText())")
            }
        }
    }

    /// Whether the connection is open with nothing to read: a kept-alive connection the daemon
    /// has closed (its idle timeout, a restart) reads as at its end, so it is not reused.
    var isQuiet: Bool {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 0) == 0
    }

    private func wait(for events: Int16, until deadline: Deadline?, phase: String, timeout: Double) throws(ClientError)
    {
        while true {
            var descriptor = pollfd(fd: fd, events: events, revents: 0)
            let result = poll(&descriptor, 1, deadline?.remainingMilliseconds ?? -1)
            if result > 0 { return }  // readable, writable, or an error the next call reports
            if result == 0 { throw .timeout(socket: path, phase: phase, seconds: timeout) }
            if errno != EINTR { throw .connectionLost(socket: path, reason: "poll: \(errnoText())") }
        }
    }
}

/// A point in monotonic time a wait must not pass.
private struct Deadline {
    private let end: Double

    init(seconds: Double) { end = Self.now() + max(seconds, 0) }

    var expired: Bool { Self.now() >= end }

    /// What is left, for poll(2): at least 0, rounded up so a short wait is not a busy loop.
    var remainingMilliseconds: Int32 {
        Int32(clamping: Int(max(0, ((end - Self.now()) * 1000).rounded(.up))))
    }

    private static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}

/// The current errno as text.
func errnoText() -> String { String(cString: strerror(errno)) }
