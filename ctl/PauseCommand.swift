import ArgumentParser

/// `mosaicctl pause`: hold the queue.
struct PauseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause",
        abstract: "Pause the queue: no new job starts; the running one continues.",
        discussion: """
            For root and the daemon's admin group (others get exit status 5). Jobs can still be \
            submitted while the queue is paused; mosaicctl resume lets them start.

            EXAMPLES
              mosaicctl pause && mosaicctl status
            """)

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let status = try global.client().pause()
        let running = status.running.map { "; job \($0.id) keeps running" } ?? ""
        Terminal.print("queue paused\(running)")
    }
}
