import MosaicAPI

/// Why a call to the daemon failed, with enough context for one line of explanation.
public enum ClientError: Error, CustomStringConvertible, Sendable, Equatable {
    /// No daemon answers on the socket: it is missing, refused the connection, or is not a socket.
    case unreachable(socket: String, reason: String)
    /// The daemon answered with an error status and body.
    case api(status: Int, error: APIError)
    /// The answer was not HTTP/1.1 as the client understands it.
    case protocolViolation(String)
    /// The daemon stopped answering for `seconds` while the client was in `phase`.
    case timeout(socket: String, phase: String, seconds: Double)
    /// The connection broke after it was made (reset, closed mid-answer).
    case connectionLost(socket: String, reason: String)
    /// A 2xx body did not decode as the expected wire type: daemon and client disagree on the API.
    case undecodable(type: String, reason: String)
    /// The request could not be encoded (a non-finite number, say); nothing was sent.
    case invalidRequest(String)

    /// One sentence, without a trailing period, for logs and `mosaicctl`'s stderr line.
    public var description: String {
        switch self {
        case .unreachable(let socket, let reason):
            "cannot reach mosaicd at \(socket): \(reason)"
        case .api(let status, let error):
            "\(error.message) (HTTP \(status) \(error.code.rawValue))"
        case .protocolViolation(let detail):
            "bad answer from mosaicd: \(detail)"
        case .timeout(let socket, let phase, let seconds):
            "mosaicd at \(socket) did not answer within \(Self.format(seconds)) s (\(phase))"
        case .connectionLost(let socket, let reason):
            "connection to mosaicd at \(socket) lost: \(reason)"
        case .undecodable(let type, let reason):
            "cannot decode the daemon's \(type) (is mosaicctl the same version as mosaicd?): \(reason)"
        case .invalidRequest(let detail):
            "cannot encode the request: \(detail)"
        }
    }

    /// The HTTP status when the daemon answered with an error, nil for transport failures.
    public var httpStatus: Int? {
        if case .api(let status, _) = self { return status }
        return nil
    }

    private static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}
