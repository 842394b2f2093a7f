import ArgumentParser
import Foundation
import MosaicAPI
import MosaicClient

/// `mosaicctl images`: the uploaded init images.
struct ImagesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "images",
        abstract: "List, show and remove uploaded init images.",
        discussion: """
            mosaicctl submit --init-image FILE uploads the file to the daemon, which checks it \
            (PNG, JPEG or WebP; at most max_image_pixels pixels; opaque), turns it upright by \
            its EXIF orientation and keeps its pixels as lossless WebP. Images are private: you \
            see and use your own; root and the daemon's admin group see and may remove all.

            A job that names an image keeps it until the job is removed; mosaicctl prune also \
            removes the images no remaining job names that are older than its --older-than.

            EXAMPLES
              mosaicctl images
              mosaicctl images show 3
              mosaicctl images show 3 -o upright.webp
              mosaicctl images rm 3
            """,
        subcommands: [ImagesListCommand.self, ImagesShowCommand.self, ImagesRemoveCommand.self],
        defaultSubcommand: ImagesListCommand.self)
}

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
