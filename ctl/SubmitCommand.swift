import ArgumentParser
import MosaicAPI

/// `mosaicctl submit`: queue a render.
struct SubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Queue a render and print its job id.",
        discussion: """
            The render options are those of mosaicd render, with the same names and meanings; \
            options left out take the daemon's defaults, and the daemon fixes the seed at \
            submission, so mosaicctl show tells how to render the same image again. The output \
            file is the daemon's to place: mosaicctl output fetches it.

            With --init-image FILE the render starts from that picture (image-to-image): \
            mosaicctl uploads it for you first (see mosaicctl images), and if the submission is \
            then refused it removes the upload again. --strength says how much of it is renoised.

            With --wait, mosaicctl follows the job like mosaicctl watch and prints the output \
            path when it succeeds; it exits 1 if the job fails or is canceled. Interrupting the \
            wait does not cancel the job.

            EXAMPLES
              mosaicctl submit "misty ocean at dusk" --width 8192 --height 8192 --seed 7
              id=$(mosaicctl submit "rocky desert" --lossless --priority 10)
              mosaicctl submit "stormy sea, vivid" --steps 20 --sampler euler_a --wait
              mosaicctl submit "oil painting of a harbour" --init-image photo.jpg --strength 0.6
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(
        help: "What to render. The built-in model maps keywords (palette, texture, scale, direction) to its prior.")
    var prompt: String?

    @Option(
        name: .customLong("prompt"),
        help: ArgumentHelp(
            "The prompt as an option, as mosaicd render takes it.",
            visibility: .hidden))
    var promptOption: String?

    @OptionGroup(title: "Render options") var render: RenderOptions

    @OptionGroup(title: "Image-to-image") var image: InitImageOptions

    @Option(
        help:
            "Higher runs first, -100...100 (default: 0); equal priorities run oldest first. Write negative values as --priority=-5."
    )
    var priority: Int?

    @Flag(help: "Follow the job to its end, then print the output path.")
    var wait = false

    @Flag(help: "Print the job as JSON (and, with --wait, its events as NDJSON).")
    var json = false

    func validate() throws {
        switch (prompt, promptOption) {
        case (nil, nil): throw ValidationError("Missing expected argument '<prompt>'")
        case (.some, .some): throw ValidationError("give the prompt once: as an argument or with --prompt")
        default: break
        }
        if let priority, !(-100...100).contains(priority) {
            throw ValidationError("--priority must be in -100...100")
        }
    }

    func run() throws {
        let client = global.client()
        var spec = render.spec(prompt: prompt ?? promptOption ?? "")
        let upload = try image.upload(with: client)
        spec.initImage = upload?.id
        spec.strength = image.strength
        let job: Job
        do {
            job = try client.submit(SubmitRequest(render: spec, priority: priority))
        } catch {
            if let upload { InitImageOptions.withdraw(upload, with: client) }
            throw error
        }
        if json { try JSONOutput.print(job) } else { Terminal.print(String(job.id)) }
        guard wait else { return }
        let ended = try JobWatcher(client: client, json: json).watch(job.id)
        try JobWatcher.conclude(ended, json: json)
    }
}
