import ArgumentParser
import MosaicAPI
import MosaicClient

/// `mosaicctl submit`: queue a render.
struct SubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Queue a render and print its job id, or a batch of renders and print the batch id.",
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

            BATCHES
              --count N queues N jobs of the render: with --seed S their seeds are S, S+1, ..., \
            S+N-1; without --seed the daemon draws N random seeds, one per job. --prompts FILE \
            queues one job per line of FILE (- reads stdin): a plain line is a prompt, and blank \
            lines and lines starting with # are skipped; a line starting with { is a JSON object \
            with "prompt" and any render field of the API, plus "priority" and "count", which \
            override the command's options for that line, e.g. \
            {"prompt": "red dunes", "seed": 7, "steps": 20}. With both, every line is queued \
            --count times (a line's own "count" wins), its seeds counted up from its seed. A \
            batch holds at most 10000 jobs.

              Every line is checked before anything is sent, and the daemon queues all the jobs \
            of a batch in one transaction: a bad line, or a value the daemon refuses, is named \
            by its line number and nothing is queued. The batch id is printed (with --json, the \
            batch: its id, owner, job ids and counts per state); mosaicctl list, watch and \
            cancel take it as --batch ID. With --wait, mosaicctl follows the batch like \
            mosaicctl watch --batch.

            EXAMPLES
              mosaicctl submit "misty ocean at dusk" --width 8192 --height 8192 --seed 7
              id=$(mosaicctl submit "rocky desert" --lossless --priority 10)
              mosaicctl submit "stormy sea, vivid" --steps 20 --sampler euler_a --wait
              batch=$(mosaicctl submit "foggy harbour" --count 8 --seed 100)
              mosaicctl submit --prompts prompts.txt --count 4 --steps 20
              grep -v draft ideas.jsonl | mosaicctl submit --prompts - --wait
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

    @Option(
        help: ArgumentHelp(
            "Queue N jobs of the render as one batch (seeds --seed, --seed + 1, ...; random ones without --seed).",
            valueName: "N"))
    var count: Int?

    @Option(
        help: ArgumentHelp(
            "Queue one job per line of FILE as one batch: a prompt, or a JSON object of render fields (- reads stdin).",
            valueName: "file"))
    var prompts: String?

    @Flag(help: "Follow the job (or the batch) to its end, then print the output path (one line per job).")
    var wait = false

    @Flag(help: "Print the job (or the batch) as JSON (and, with --wait, the events as NDJSON).")
    var json = false

    func validate() throws {
        switch (prompt, promptOption, prompts) {
        case (nil, nil, nil): throw ValidationError("Missing expected argument '<prompt>'")
        case (.some, .some, _): throw ValidationError("give the prompt once: as an argument or with --prompt")
        case (.some, _, .some), (_, .some, .some):
            throw ValidationError("--prompts takes the prompts from its file: give no prompt besides")
        default: break
        }
        if let priority, !(-100...100).contains(priority) {
            throw ValidationError("--priority must be in -100...100")
        }
        if let count, !(1...Self.maxBatchJobs).contains(count) {
            throw ValidationError("--count must be in 1...\(Self.maxBatchJobs)")
        }
    }

    /// The daemon's limit on the jobs of one batch.
    static let maxBatchJobs = 10_000

    func run() throws {
        let client = global.client()
        var spec = render.spec(prompt: prompt ?? promptOption ?? "")
        let upload = try image.upload(with: client)
        spec.initImage = upload?.id
        spec.strength = image.strength
        guard count != nil || prompts != nil else {
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
            return
        }
        let batch: Batch
        do {
            batch = try submitBatch(client, options: spec)
        } catch {
            if let upload { InitImageOptions.withdraw(upload, with: client) }
            throw error
        }
        if json { try JSONOutput.print(batch) } else { Terminal.print(String(batch.id)) }
        guard wait else { return }
        let ended = try BatchWatcher(client: client, json: json).watch(batch.id)
        try BatchWatcher.conclude(batch.id, ended)
    }

    /// Queues the batch; a line the daemon refuses is named by its line number.
    private func submitBatch(_ client: MosaicClient, options: RenderSpec) throws -> Batch {
        guard let prompts else {
            return try client.submitBatch(
                BatchRequest(items: [BatchItem(render: options, priority: priority, count: count)]))
        }
        let file = try PromptsFile.read(prompts, options: options, priority: priority, count: count)
        let total = file.lines.reduce(0) { $0 + ($1.item.count ?? 1) }
        guard total <= Self.maxBatchJobs else {
            throw CtlError(
                .usage,
                "\(file.source) makes \(total) jobs, more than a batch may hold (\(Self.maxBatchJobs)); nothing was queued"
            )
        }
        do throws(ClientError) {
            return try client.submitBatch(BatchRequest(items: file.lines.map(\.item)))
        } catch {
            guard case .api(_, let apiError) = error, let index = apiError.item, file.lines.indices.contains(index)
            else { throw CtlError(error) }
            // The daemon names the item; the user wrote a line.
            var named = apiError
            named.message = String(apiError.message.trimmingPrefix("items[\(index)]: "))
            let refused = CtlError(.api(status: error.httpStatus ?? 400, error: named))
            throw CtlError(
                refused.status,
                "\(file.source) line \(file.lines[index].number): \(refused.message); nothing was queued")
        }
    }
}
