#if canImport(Glibc)
    import Glibc
#endif

/// Why a message to the service manager could not be sent.
public enum SystemdNotifierError: Error, Equatable, CustomStringConvertible {
    /// `sd_notify(3)` failed; `state` is the message, `errno` the positive error number.
    case sendFailed(state: String, errno: Int32)

    /// One line naming the message and the system error.
    public var description: String {
        switch self {
        case .sendFailed(let state, let errno):
            let first = state.split(separator: "\n").first.map(String.init) ?? state
            return "sd_notify(\(first)) failed: \(SystemError.message(errno)) (errno \(errno))"
        }
    }
}
