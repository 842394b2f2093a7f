import ArgumentParser
import MosaicAPI

/// `mosaicctl log`: a job's log.
struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Print a job's log, oldest line first.",
        discussion: """
            The daemon logs each attempt's start, resumptions from checkpoints, warnings and the \
            error that ended a failed job. Times are local.

            EXAMPLES
              mosaicctl log 7
              mosaicctl log 7 --json
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The job id.")
    var id: Int64

    @Flag(help: "Print each line as a JSON object.")
    var json = false

    func run() throws {
        for line in try global.client().log(id) {
            if json {
                try JSONOutput.print(line)
            } else {
                Terminal.print(
                    "\(Format.timestamp(line.time))  \(line.level.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)) \(line.message)"
                )
            }
        }
    }
}
