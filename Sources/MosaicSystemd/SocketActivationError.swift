/// Why the sockets passed by systemd cannot be used.
public enum SocketActivationError: Error, Equatable, CustomStringConvertible {
    /// `sd_listen_fds(3)` failed (a malformed `LISTEN_FDS` or `LISTEN_PID`, a closed descriptor).
    case listenFDsFailed(errno: Int32)
    /// The descriptor is not a listening `AF_UNIX` stream socket (bound to `path`, when given).
    case notListeningUnixStream(fd: Int32, path: String?)
    /// The descriptor could not be inspected (for example it is not open).
    case inspectionFailed(fd: Int32, errno: Int32)
    /// systemd passed this many descriptors where exactly one was expected.
    case unexpectedCount(Int)

    /// One line saying what was wrong and which unit setting usually causes it.
    public var description: String {
        switch self {
        case .listenFDsFailed(let errno):
            return "sd_listen_fds failed: \(SystemError.message(errno)) (errno \(errno)); "
                + "check LISTEN_FDS and LISTEN_PID"
        case .notListeningUnixStream(let fd, let path):
            let bound = path.map { " bound to \($0)" } ?? ""
            return "descriptor \(fd) is not a listening AF_UNIX stream socket\(bound); "
                + "the .socket unit needs ListenStream=<path> and Accept=no"
        case .inspectionFailed(let fd, let errno):
            return "cannot inspect descriptor \(fd): \(SystemError.message(errno)) (errno \(errno))"
        case .unexpectedCount(let count):
            return "systemd passed \(count) sockets, expected 1; the .socket unit needs one ListenStream="
        }
    }
}
