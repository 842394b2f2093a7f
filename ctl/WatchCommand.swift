import ArgumentParser

/// `mosaicctl watch`: follow a job to its end.
struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Follow a job's progress until it ends.",
        discussion: """
            On a terminal, a bar on stderr shows the step, the tiles of the current step, the \
            time spent and the time left (from measured step times); otherwise one line per \
            state change, finished step and log message. When the job succeeds its output path \
            is printed on stdout. If mosaicd restarts meanwhile, watch reconnects and the job \
            resumes from its last checkpoint.

            With --json, every event of the stream is printed on stdout as it arrives, one JSON \
            object per line (see docs/api.md, Events).

            EXIT STATUS
              0 if the job succeeded, 1 if it failed or was canceled, 4 if there is no such job.

            EXAMPLES
              mosaicctl watch 7
              mosaicctl watch 7 --json | jq -c 'select(.type == "progress") | .progress.step'
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The job id.")
    var id: Int64

    @Flag(help: "Print the events as NDJSON on stdout.")
    var json = false

    func run() throws {
        let job = try JobWatcher(client: global.client(), json: json).watch(id)
        try JobWatcher.conclude(job, json: json)
    }
}
