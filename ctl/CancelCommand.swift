import ArgumentParser
import MosaicClient

/// `mosaicctl cancel`: stop jobs.
struct CancelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel queued or running jobs, or a batch's.",
        discussion: """
            A queued job is canceled at once; a running one stops once the tile evaluations in \
            progress end. The command waits up to 5 seconds for that and prints the job's state \
            (canceled); a job whose tile evaluations take longer (Stable Diffusion: seconds to \
            minutes each) is printed as "canceling" and stops on its own (mosaicctl watch ID \
            follows it to the end). Its checkpoint is kept, so mosaicctl retry starts it again. \
            You may cancel your own jobs; root and the admin group any job.

            With --batch ID, every queued job of the batch is canceled at once (in one \
            transaction) and its running job as above; jobs that already ended are left as they \
            are. One line per job: ID canceled, or ID canceling; with --json, the result \
            (canceled and stopping ids, and the batch with its counts per state).

            EXIT STATUS
              0 if every job was canceled; otherwise the status of the first failure \
            (4 no such job or batch, 5 not yours, 1 already finished). A batch with nothing \
            left to cancel is not a failure.

            EXAMPLES
              mosaicctl cancel 7
              mosaicctl cancel 7 8 9
              mosaicctl cancel --batch 3
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The job ids.")
    var ids: [Int64] = []

    @Option(help: ArgumentHelp("Cancel every queued or running job of this batch.", valueName: "id"))
    var batch: Int64?

    @Flag(help: "With --batch, print the result as JSON.")
    var json = false

    func validate() throws {
        if ids.isEmpty, batch == nil { throw ValidationError("Missing expected argument '<ids> ...' (or --batch ID)") }
        if !ids.isEmpty, batch != nil { throw ValidationError("give job ids or --batch, not both") }
        if json, batch == nil { throw ValidationError("--json goes with --batch") }
    }

    func run() throws {
        let client = global.client()
        if let batch {
            let result = try client.cancelBatch(batch)
            if json { return try JSONOutput.print(result) }
            for id in result.canceled { Terminal.print("\(id) canceled") }
            for id in result.stopping { Terminal.print("\(id) canceling") }
            if result.canceled.isEmpty, result.stopping.isEmpty {
                Terminal.writeError("batch \(batch): no queued or running jobs to cancel\n")
            }
            return
        }
        try EachJob.run(ids) { id throws(ClientError) in
            let job = try client.cancel(id)
            // Still running with the cancel recorded: it stops after its tiles in progress.
            Terminal.print("\(job.id) \(job.state == .running ? "canceling" : job.state.rawValue)")
        }
    }
}
