import ArgumentParser
import MosaicAPI

/// `mosaicctl status`: the daemon at a glance.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the daemon's version, uptime, queue state and running job.",
        discussion: """
            Also the quickest check that mosaicd is up: exit status 3 means it is unreachable.

            EXAMPLES
              mosaicctl status
              mosaicctl status --json | jq .counts
            """)

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print the status as JSON.")
    var json = false

    func run() throws {
        let status = try global.client().status()
        if json { return try JSONOutput.print(status) }
        for line in Self.lines(status) { Terminal.print(line) }
    }

    /// The status for people.
    static func lines(_ status: DaemonStatus) -> [String] {
        let counts = JobState.allCases.map { "\(status.counts[$0.rawValue] ?? 0) \($0.rawValue)" }.joined(
            separator: ", ")
        var lines = [
            "mosaicd \(status.version), up \(Format.uptime(status.uptimeSeconds)), \(status.threads) threads",
            "queue:   \(status.paused ? "paused (no new job starts)" : "accepting")",
            "jobs:    \(counts)",
        ]
        if let job = status.running {
            let progress =
                job.progress.map { p in
                    " step \(p.step)/\(p.steps) (\(Format.percent(p)))"
                        + (p.etaSeconds.map { ", ETA \(Format.clock($0))" } ?? "")
                } ?? ""
            lines.append(
                "running: \(job.id) by \(job.owner.name):\(progress) \"\(Format.truncate(job.render.prompt, to: 40))\"")
        } else {
            lines.append("running: nothing")
        }
        return lines
    }
}
