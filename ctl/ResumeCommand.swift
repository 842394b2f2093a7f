import ArgumentParser
import MosaicAPI

/// `mosaicctl resume`: release the queue.
struct ResumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Resume the queue after mosaicctl pause.",
        discussion: """
            For root and the daemon's admin group (others get exit status 5). The next queued \
            job starts as soon as the worker is free.

            EXAMPLES
              mosaicctl resume
            """)

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let status = try global.client().resume()
        let queued = status.counts[JobState.queued.rawValue] ?? 0
        Terminal.print("queue resumed; \(queued) job\(queued == 1 ? "" : "s") queued")
    }
}
