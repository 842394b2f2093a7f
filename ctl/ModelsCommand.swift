import ArgumentParser
import Foundation

/// `mosaicctl models`: what can be rendered with.
struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List the models the daemon can render with.",
        discussion: """
            The NAME is what submit --model takes; GUIDANCE is the guidance scale a job gets when \
            it names none. Upscalers (KIND upscaler, from the models directory's upscalers/ \
            folder) show their factor in SCALE and their network in the summary.

            EXAMPLES
              mosaicctl models
            """)

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print each model as a JSON line.")
    var json = false

    func run() throws {
        let models = try global.client().models()
        if json {
            for model in models { try JSONOutput.print(model) }
            return
        }
        var table = TextTable(headers: ["NAME", "KIND", "GUIDANCE", "SCALE", "SUMMARY"], rightAligned: [2, 3])
        for model in models {
            let guidance = model.scale == nil ? String(format: "%g", model.defaultGuidance) : "-"
            let scale = model.scale.map { "x\($0)" } ?? "-"
            table.add([model.name, model.kind, guidance, scale, model.summary])
        }
        for line in table.render() { Terminal.print(line) }
    }
}
