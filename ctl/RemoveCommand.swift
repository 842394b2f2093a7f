import ArgumentParser
import MosaicClient

/// `mosaicctl rm`: delete finished jobs and their files.
struct RemoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rm",
        abstract: "Remove finished jobs and their output files.",
        discussion: """
            Only finished jobs (succeeded, failed, canceled) can be removed: cancel a queued or \
            running one first. Its output image, preview and checkpoints are deleted. You may \
            remove your own jobs; root and the admin group any job. For many at once, see \
            mosaicctl prune.

            EXAMPLES
              mosaicctl rm 7
              mosaicctl rm 7 8 9
            """,
        aliases: ["remove"])

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The job ids.")
    var ids: [Int64]

    func validate() throws {
        if ids.isEmpty { throw ValidationError("Missing expected argument '<ids> ...'") }
    }

    func run() throws {
        let client = global.client()
        try EachJob.run(ids) { id throws(ClientError) in
            let job = try client.remove(id)
            Terminal.print("removed \(job.id)")
        }
    }
}
