import ArgumentParser
import Foundation
import MosaicClient

/// The root command: `mosaicctl <verb>`.
@main
struct MosaicCtl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mosaicctl",
        abstract: "Queue, watch and manage renders of the mosaicd daemon.",
        discussion: """
            mosaicctl talks to mosaicd over its Unix socket (--socket, or $MOSAIC_SOCKET, or \
            /run/mosaic/mosaicd.sock). The daemon knows who you are from the socket: anyone in the \
            mosaic group may submit and read; you may cancel, retry and remove your own jobs; root \
            and the daemon's admin group may act on every job and pause the queue.

            Read commands take --json for one JSON document per line in the API's wire format \
            (see docs/api.md). Shell completion: mosaicctl --generate-completion-script bash.

            EXAMPLES
              mosaicctl submit "misty ocean at dusk" --width 8192 --height 8192 --wait
              mosaicctl list
              mosaicctl watch 7
              mosaicctl output 7 -o ocean.webp

            EXIT STATUS
              0  success
              1  the job failed or was canceled (watch, submit --wait); other errors
              2  usage error: a bad option or value, or a request the daemon refused
                 as invalid (HTTP 400, 413), or a job too large for the machine (422:
                 the line shows its memory and disk estimate and the budget)
              3  the daemon is unreachable: no socket, nobody listening, no access
              4  no such job
              5  permission denied: not your job (or, on a daemon with private jobs,
                 reading it), or pause/resume without being root or in the admin group
              6  the daemon is busy: the queue is at max_queued_jobs or your
                 max_queued_jobs_per_user, too many event streams (HTTP 429), or too
                 many connections (HTTP 503); try again later
            """,
        version: "mosaicctl 0.1.0",
        subcommands: [
            SubmitCommand.self, ListCommand.self, ShowCommand.self, WatchCommand.self, LogCommand.self,
            CancelCommand.self, RetryCommand.self, RemoveCommand.self, PruneCommand.self,
            OutputCommand.self, PreviewCommand.self, StatusCommand.self, ModelsCommand.self, ImagesCommand.self,
            PauseCommand.self, ResumeCommand.self, PlanCommand.self,
        ])

    /// Parses and runs, mapping every failure to the exit statuses above and one line on stderr.
    static func main() {
        let command: ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exitWithUsageError(error)
        }
        do {
            var command = command
            try command.run()
        } catch {
            let failure: CtlError
            switch error {
            case let error as CtlError: failure = error
            case let error as ClientError: failure = CtlError(error)
            case let error as ValidationError: failure = CtlError(.usage, error.message)
            default:
                // Help, --version and ArgumentParser's own ExitCode keep their meaning.
                if error is CleanExit || error is ExitCode || exitCode(for: error) == .success {
                    exit(withError: error)
                }
                failure = CtlError(.failure, "\(error)")
            }
            failure.exit()
        }
    }

    @OptionGroup var global: GlobalOptions

    private static func exitWithUsageError(_ error: Error) -> Never {
        if exitCode(for: error) == .success { exit(withError: error) }
        let message = fullMessage(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
        Terminal.printError(message.replacingOccurrences(of: "Error: ", with: ""))
        FileHandle.standardError.write(Data("Run 'mosaicctl help' for usage.\n".utf8))
        Foundation.exit(ExitStatus.usage.rawValue)
    }
}
