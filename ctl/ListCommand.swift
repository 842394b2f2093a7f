import ArgumentParser
import MosaicAPI

/// `mosaicctl list`: the queue as a table.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List jobs: what is queued and running, and what finished last.",
        discussion: """
            Without options: every queued and running job, then the last 10 finished ones \
            (--limit changes how many), newest first. With --state: jobs in those states, newest \
            first, at most --limit (default 50). With --all: every job (or every job in the \
            --state states), however many pages that takes. With --batch ID: every job of that \
            batch (in the --state states), or the newest --limit of them.

            PROGRESS counts the tiles of the current step; AGE is the time since submission.

            EXAMPLES
              mosaicctl list
              mosaicctl list --state failed --state canceled
              mosaicctl list --all --owner alice --json
              mosaicctl list --batch 3 --state failed
            """,
        aliases: ["ls"])

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("state"), help: "Only jobs in this state (repeatable).")
    var states: [JobState] = []

    @Option(help: ArgumentHelp("Only jobs of this user (a name or a uid).", valueName: "user"))
    var owner: UserArgument?

    @Option(help: ArgumentHelp("Only jobs of this batch (mosaicctl submit --count, --prompts).", valueName: "id"))
    var batch: Int64?

    @Flag(help: "Every job, following pages.")
    var all = false

    @Option(help: "How many finished jobs (or, with --state, jobs) to show, 1...500.")
    var limit: Int?

    @Flag(help: "Print each job as a JSON line.")
    var json = false

    func validate() throws {
        if let limit, !(1...500).contains(limit) { throw ValidationError("--limit must be in 1...500") }
        if all, limit != nil { throw ValidationError("--all and --limit exclude each other") }
    }

    func run() throws {
        let client = global.client()
        let uid = owner?.uid
        var jobs: [Job]
        if let batch {
            if let limit {
                let page = try client.jobs(states: states, owner: uid, batch: batch, limit: limit)
                jobs = page.jobs
                if page.nextBefore != nil, !json { Terminal.writeError("(more jobs: leave out --limit)\n") }
            } else {
                jobs = try client.allJobs(states: states, owner: uid, batch: batch)
            }
        } else if all {
            jobs = try client.allJobs(states: states, owner: uid)
        } else if !states.isEmpty {
            let page = try client.jobs(states: states, owner: uid, limit: limit ?? 50)
            jobs = page.jobs
            if page.nextBefore != nil, !json { Terminal.writeError("(more jobs: use --all or a larger --limit)\n") }
        } else {
            let active = try client.allJobs(states: [.queued, .running], owner: uid)
            let finished = try client.jobs(states: [.succeeded, .failed, .canceled], owner: uid, limit: limit ?? 10)
                .jobs
            // A job that finished between the two calls is in both: the later answer is the newer.
            let byID = Dictionary((active + finished).map { ($0.id, $0) }, uniquingKeysWith: { _, later in later })
            jobs = byID.values.sorted { $0.id > $1.id }
        }
        if json {
            for job in jobs { try JSONOutput.print(job) }
        } else if jobs.isEmpty {
            Terminal.writeError("no jobs\n")
        } else {
            for line in JobTable(jobs: jobs).render(columns: Terminal.stdoutColumns) { Terminal.print(line) }
        }
    }
}
