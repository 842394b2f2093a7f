import ArgumentParser
import Foundation
import MosaicAPI

/// `mosaicctl show`: everything about one job.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show everything about a job: render parameters, progress, checkpoint, log.",
        discussion: """
            The render parameters are shown as the daemon fixed them at submission (defaults \
            filled in, the seed chosen), so they render the same image again with mosaicd render. \
            ATTEMPTS counts the worker's starts; every start after the first resumed from the last \
            durable checkpoint.

            With --json: one object, {"job": ..., "log": [...]}.

            EXAMPLES
              mosaicctl show 7
              mosaicctl show 7 --json | jq .job.render.seed
            """)

    /// The `--json` form: the job and its log.
    struct Detail: Encodable {
        let job: Job
        let log: [LogLine]
    }

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The job id.")
    var id: Int64

    @Flag(help: "Print the job and its log as one JSON object.")
    var json = false

    func run() throws {
        let client = global.client()
        let job = try client.job(id)
        let log = try client.log(id)
        if json { return try JSONOutput.print(Detail(job: job, log: log)) }
        for line in JobDetailView(job: job, log: log).lines() { Terminal.print(line) }
    }
}
