import ArgumentParser
import Foundation

/// `mosaicctl images show`.
struct ImagesShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show an uploaded image's record, or save its stored pixels.",
        discussion: """
            DIGEST is the SHA-256 of the upright RGB pixels: jobs started from two files with \
            the same pixels are the same render. With -o, the stored pixels are written as a \
            lossless WebP file.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The image id.")
    var id: Int64

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the stored pixels (lossless WebP) here.", valueName: "file"))
    var output: String?

    @Flag(help: "Print the record as JSON.")
    var json = false

    func run() throws {
        let client = global.client()
        let image = try client.image(id)
        if let output {
            let bytes = try client.imageContent(id)
            do { try Data(bytes).write(to: URL(fileURLWithPath: output), options: .atomic) } catch {
                throw CtlError(.failure, "cannot write \(output): \((error as NSError).localizedDescription)")
            }
        }
        if json { return try JSONOutput.print(image) }
        for (name, value) in [
            ("id", String(image.id)), ("size", "\(image.width)x\(image.height) px"), ("format", image.format),
            ("file", Format.bytes(image.bytes)), ("digest", image.digest), ("owner", image.owner.name),
            ("uploaded", Format.timestamp(image.createdAt)),
        ] {
            Terminal.print("\(name):".padding(toLength: 10, withPad: " ", startingAt: 0) + value)
        }
    }
}
