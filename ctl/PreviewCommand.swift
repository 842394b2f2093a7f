import ArgumentParser

/// `mosaicctl preview`: the running job's image so far.
struct PreviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Save a running job's current prediction of its image (WebP, at most 1024 px).",
        discussion: """
            The preview is the sampler's current estimate of the final image, decoded from the \
            latent canvas and scaled to at most 1024 px on the long side: noisy early on, close \
            to the result near the end. -o - writes it to stdout.

            EXAMPLES
              mosaicctl preview 7 -o peek.webp
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The job id.")
    var id: Int64

    @Option(
        name: [.short, .long], help: ArgumentHelp("Where to write the WebP file (- for stdout).", valueName: "file"),
        completion: .file(extensions: ["webp"]))
    var output: String

    func run() throws {
        let download = ImageDownload(path: output)
        try download.check()
        try download.write(try global.client().preview(id))
    }
}
