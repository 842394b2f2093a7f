import Glibc

/// A raw AF_UNIX stream connection that sends whatever bytes it is given, broken HTTP included.
///
/// The typed client refuses to send malformed requests and never stalls, trickles bytes or holds
/// a connection open; the fuzzer and the connection tests need a socket that does. The descriptor is non-blocking; every wait polls with a deadline, so a daemon that never
/// answers costs at most the case's deadline.
public final class RawConnection {
    private let fd: Int32
    /// Whether the daemon closed its side (EOF seen).
    public private(set) var closedByPeer = false

    private init(fd: Int32) { self.fd = fd }

    deinit { close(fd) }

    /// Connects to `path`; EAGAIN (a full backlog) is retried until `timeout` seconds pass.
    public static func connect(path: String, timeout: Double) throws(RawConnectionError) -> RawConnection {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw RawConnectionError(path: path, reason: "the socket path is too long")
        }
        withUnsafeMutableBytes(of: &address.sun_path) {
            $0.copyBytes(from: bytes)
            $0[bytes.count] = 0
        }
        let fd = socket(
            AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { throw RawConnectionError(path: path, reason: "socket(): \(errnoText())") }
        let connection = RawConnection(fd: fd)
        let deadline = MonotonicClock.now + timeout
        while true {
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            if result == 0 { return connection }
            switch errno {
            case EINTR: continue
            case EAGAIN:
                guard MonotonicClock.now < deadline else {
                    throw RawConnectionError(path: path, reason: "backlog full for \(timeout) s")
                }
                usleep(2_000)
            case EINPROGRESS:
                guard connection.poll(Int16(POLLOUT), until: deadline) else {
                    throw RawConnectionError(path: path, reason: "timed out")
                }
                return connection
            default: throw RawConnectionError(path: path, reason: errnoText())
            }
        }
    }

    /// Sends `bytes`, waiting for room until `deadline`; returns false when the daemon closed
    /// the connection or the deadline passed first (the daemon may answer and hang up early).
    @discardableResult
    public func send(_ bytes: [UInt8], until deadline: Double) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if written > 0 {
                offset += written
                continue
            }
            if written < 0, errno == EINTR { continue }
            if written < 0, errno == EAGAIN, poll(Int16(POLLOUT), until: deadline) { continue }
            return false
        }
        return true
    }

    /// Closes the sending side: the daemon reads end-of-file after what was sent.
    public func finishSending() { shutdown(fd, Int32(SHUT_WR)) }

    /// Reads what is available until `deadline`, EOF, or `isComplete` says the bytes so far are
    /// enough. Returns everything read.
    public func receive(until deadline: Double, limit: Int = 64 << 20, isComplete: ([UInt8]) -> Bool) -> [UInt8] {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while received.count < limit {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received += buffer[..<count]
                if isComplete(received) { break }
                continue
            }
            if count == 0 {
                closedByPeer = true
                break
            }
            if errno == EINTR { continue }
            if errno == EAGAIN, poll(Int16(POLLIN), until: deadline) { continue }
            if errno != EAGAIN { closedByPeer = true }  // ECONNRESET and friends: the daemon hung up
            break
        }
        return received
    }

    /// Waits for `events` until `deadline`; false when it passed.
    private func poll(_ events: Int16, until deadline: Double) -> Bool {
        while true {
            let remaining = deadline - MonotonicClock.now
            guard remaining > 0 else { return false }
            var descriptor = pollfd(fd: fd, events: events, revents: 0)
            let result = Glibc.poll(&descriptor, 1, Int32(min(remaining * 1000 + 1, 60_000)))
            if result > 0 { return true }
            if result == 0 { continue }
            if errno != EINTR { return false }
        }
    }
}

/// Why a raw connection could not be opened.
public struct RawConnectionError: Error, CustomStringConvertible {
    /// The socket's path.
    public let path: String
    /// What went wrong.
    public let reason: String

    /// A one-line description naming the socket.
    public var description: String { "cannot connect to \(path): \(reason)" }
}

/// The current errno as text.
private func errnoText() -> String { String(cString: strerror(errno)) }
