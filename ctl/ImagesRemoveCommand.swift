import ArgumentParser
import MosaicClient

/// `mosaicctl images rm`.
struct ImagesRemoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rm", abstract: "Remove uploaded images that no job names.",
        discussion: """
            An image named by a job is kept until that job is removed (mosaicctl rm): the \
            daemon refuses with the jobs' ids. You may remove your own images; root and the \
            admin group any.
            """,
        aliases: ["remove"])

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The image ids.")
    var ids: [Int64]

    func validate() throws {
        if ids.isEmpty { throw ValidationError("Missing expected argument '<ids> ...'") }
    }

    func run() throws {
        let client = global.client()
        var first: CtlError?
        for id in ids {
            do throws(ClientError) {
                Terminal.print("removed image \(try client.removeImage(id).id)")
            } catch {
                let failure = CtlError(error)
                if ids.count == 1 { throw failure }
                Terminal.printError("image \(id): \(failure.message)")
                first = first ?? failure
            }
        }
        if let first { throw CtlError(first.status, "some images were not removed; first: \(first.message)") }
    }
}
