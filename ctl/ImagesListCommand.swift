import ArgumentParser
import Foundation

/// `mosaicctl images list`.
struct ImagesListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List your uploaded images (everyone's for root and the admin group).",
        discussion: """
            Columns: ID (for submit's --init-image or the API's init_image), SIZE (upright, px), \
            FORMAT (of the uploaded file), FILE (its size), OWNER, UPLOADED (how long ago).
            """,
        aliases: ["ls"])

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print each image as a JSON line.")
    var json = false

    func run() throws {
        let images = try global.client().images()
        if json {
            for image in images { try JSONOutput.print(image) }
            return
        }
        var table = TextTable(headers: ["ID", "SIZE", "FORMAT", "FILE", "OWNER", "UPLOADED"], rightAligned: [0, 3])
        for image in images {
            table.add([
                String(image.id), "\(image.width)x\(image.height)", image.format, Format.bytes(image.bytes),
                image.owner.name, Format.age(Date().timeIntervalSince(image.createdAt)) + " ago",
            ])
        }
        for line in table.render() { Terminal.print(line) }
    }
}
