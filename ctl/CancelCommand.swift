import ArgumentParser
import MosaicClient

/// `mosaicctl cancel`: stop jobs.
struct CancelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel queued or running jobs.",
        discussion: """
            A queued job is canceled at once; a running one stops once the tile evaluations in \
            progress end. The command waits up to 5 seconds for that and prints the job's state \
            (canceled); a job whose tile evaluations take longer (Stable Diffusion: seconds to \
            minutes each) is printed as "canceling" and stops on its own (mosaicctl watch ID \
            follows it to the end). Its checkpoint is kept, so mosaicctl retry starts it again. \
            You may cancel your own jobs; root and the admin group any job.

            EXIT STATUS
              0 if every job was canceled; otherwise the status of the first failure \
            (4 no such job, 5 not yours, 1 already finished).

            EXAMPLES
              mosaicctl cancel 7
              mosaicctl cancel 7 8 9
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The job ids.")
    var ids: [Int64]

    func validate() throws {
        if ids.isEmpty { throw ValidationError("Missing expected argument '<ids> ...'") }
    }

    func run() throws {
        let client = global.client()
        try JobBatch.run(ids) { id throws(ClientError) in
            let job = try client.cancel(id)
            // Still running with the cancel recorded: it stops after its tiles in progress.
            Terminal.print("\(job.id) \(job.state == .running ? "canceling" : job.state.rawValue)")
        }
    }
}
