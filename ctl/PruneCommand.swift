import ArgumentParser
import MosaicAPI

/// `mosaicctl prune`: remove finished jobs in bulk.
struct PruneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Remove finished jobs (and their files) in bulk.",
        discussion: """
            Removes the finished jobs you may modify (yours; every job for root and the admin \
            group), optionally only those that finished long enough ago or in given states. \
            Queued and running jobs are never pruned. Then it removes the uploaded images \
            (mosaicctl images) that no remaining job names and that were uploaded at least \
            --older-than ago (any age without it): yours, or everyone's for root and the admin group.

            Durations are a number and a unit (s, m, h, d, w), or several: 90m, 12h, 7d, 1d12h.

            EXAMPLES
              mosaicctl prune --older-than 7d
              mosaicctl prune --state failed --state canceled
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Only jobs that finished at least this long ago (7d, 12h, 30m).", valueName: "duration"))
    var olderThan: TimeSpan?

    @Option(name: .customLong("state"), help: "Only jobs in this finished state (repeatable).")
    var states: [JobState] = []

    @Flag(help: "Print the result as JSON.")
    var json = false

    func validate() throws {
        if let active = states.first(where: { !$0.isFinished }) {
            throw ValidationError(
                "--state \(active.rawValue): only finished jobs (succeeded, failed, canceled) are pruned")
        }
    }

    func run() throws {
        let result = try global.client().prune(
            PruneRequest(olderThanSeconds: olderThan?.seconds, states: states.isEmpty ? nil : states))
        if json { return try JSONOutput.print(result) }
        let ids = result.removed.map(String.init).joined(separator: " ")
        let count = result.removed.count
        let images = result.removedImages ?? []
        if count == 0, images.isEmpty { return Terminal.print("nothing to prune") }
        if count > 0 { Terminal.print("removed \(count) job\(count == 1 ? "" : "s"): \(ids)") }
        if !images.isEmpty {
            Terminal.print(
                "removed \(images.count) image\(images.count == 1 ? "" : "s"): \(images.map(String.init).joined(separator: " "))"
            )
        }
    }
}
