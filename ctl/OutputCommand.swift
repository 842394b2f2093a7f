import ArgumentParser

/// `mosaicctl output`: fetch a finished image.
struct OutputCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "output",
        abstract: "Save a succeeded job's image (WebP) to a file.",
        discussion: """
            The image is the daemon's output file, byte for byte, with the render's parameters \
            in its XMP metadata (see mosaicd seams, webpmux -get xmp). -o - writes it to stdout.

            A staged job keeps the image of every stage (lossless WebP): --stage K fetches stage \
            K's as soon as that stage has ended; the last stage's is the output.

            EXAMPLES
              mosaicctl output 7 -o ocean.webp
              mosaicctl output 7 --stage 2 -o ocean-1024.webp
              mosaicctl output 7 -o - | cwebp -info -- -
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The job id.")
    var id: Int64

    @Option(
        name: [.short, .long], help: ArgumentHelp("Where to write the WebP file (- for stdout).", valueName: "file"),
        completion: .file(extensions: ["webp"]))
    var output: String

    @Option(help: "The stage (from 1) of a staged job whose image to save (default: the output).")
    var stage: Int?

    func run() throws {
        let download = ImageDownload(path: output)
        try download.check()
        try download.write(try global.client().output(id, stage: stage))
    }
}
