import ArgumentParser

/// `mosaicctl watch`: follow a job to its end.
struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Follow a job's progress, or a batch's, until it ends.",
        discussion: """
            On a terminal, a bar on stderr shows the step, the tiles of the current step, the \
            time spent and the time left (from measured step times); otherwise one line per \
            state change, finished step and log message. When the job succeeds its output path \
            is printed on stdout. If mosaicd restarts meanwhile, watch reconnects and the job \
            resumes from its last checkpoint.

            With --json, every event of the stream is printed on stdout as it arrives, one JSON \
            object per line (see docs/api.md, Events).

            With --batch ID, watch follows every job of the batch until all have ended, one at a \
            time in the order the daemon runs them (priority, then age), each with its own \
            progress; a job that ended before its turn is reported at once. Each job's end is \
            one line on stdout: ID succeeded OUTPUT, ID failed: ERROR or ID canceled by USER. \
            With --json, the events of every job, one JSON object per line.

            EXIT STATUS
              0 if the job (every job of the batch) succeeded, 1 if it (any of them) failed or \
            was canceled, 4 if there is no such job or batch.

            EXAMPLES
              mosaicctl watch 7
              mosaicctl watch 7 --json | jq -c 'select(.type == "progress") | .progress.step'
              mosaicctl watch --batch 3
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The job id.")
    var id: Int64?

    @Option(help: ArgumentHelp("Follow every job of this batch instead.", valueName: "id"))
    var batch: Int64?

    @Flag(help: "Print the events as NDJSON on stdout.")
    var json = false

    func validate() throws {
        switch (id, batch) {
        case (nil, nil): throw ValidationError("Missing expected argument '<id>' (or --batch ID)")
        case (.some, .some): throw ValidationError("give a job id or --batch, not both")
        default: break
        }
    }

    func run() throws {
        if let batch {
            let jobs = try BatchWatcher(client: global.client(), json: json).watch(batch)
            try BatchWatcher.conclude(batch, jobs)
            return
        }
        guard let id else { return }
        let job = try JobWatcher(client: global.client(), json: json).watch(id)
        try JobWatcher.conclude(job, json: json)
    }
}
