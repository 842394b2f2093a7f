import Foundation
import MosaicAPI
import MosaicClient

/// A failure of a verb: the exit status and the one line printed on stderr.
struct CtlError: Error, Equatable {
    /// The process's exit status.
    let status: ExitStatus
    /// The line, without the `mosaicctl: ` prefix.
    let message: String

    init(_ status: ExitStatus, _ message: String) {
        self.status = status
        self.message = message
    }

    /// Maps a client error: unreachable -> 3, 404 -> 4, 403 -> 5, 400/413/422 -> 2,
    /// 429/503 -> 6, else 1.
    init(_ error: ClientError) {
        switch error {
        case .unreachable:
            self.init(.unreachable, error.description)
        case .api(let status, let apiError):
            let exit: ExitStatus =
                switch status {
                case 404: .noSuchJob
                case 403: .permissionDenied
                case 400, 413, 422: .usage
                case 429, 503: .busy
                default: .failure
                }
            // The daemon's sentence already says what went wrong ("job 7 belongs to alice").
            var message = apiError.message
            if let estimate = apiError.estimate {
                message += " [" + Self.describe(estimate, budget: apiError.budget) + "]"
            }
            if exit == .busy { message += " (the daemon is busy; try again later)" }
            self.init(exit, message)
        case .invalidRequest:
            self.init(.usage, error.description)
        case .protocolViolation, .timeout, .connectionLost, .undecodable:
            self.init(.failure, error.description)
        }
    }

    /// An admission estimate on one line: "estimate: memory 9.1 GiB (budget 6.0 GiB), disk ...".
    static func describe(_ estimate: JobResourceEstimate, budget: ResourceBudget?) -> String {
        func part(_ name: String, _ bytes: Int, _ limit: Int?) -> String {
            "\(name) \(Format.bytes(bytes))" + (limit.map { " (budget \(Format.bytes($0)))" } ?? "")
        }
        return "estimate: " + part("memory", estimate.memoryBytes, budget?.memoryBytes) + ", "
            + part("disk", estimate.diskBytes, budget?.diskBytes)
    }

    /// The same failure with a subject in front: "job 7: ...".
    func about(_ subject: String) -> CtlError { CtlError(status, "\(subject): \(message)") }

    /// Prints the line and exits with the status.
    func exit() -> Never {
        Terminal.printError(message)
        Foundation.exit(status.rawValue)
    }
}
