import ArgumentParser
import Foundation

/// `mosaicctl models`: what can be rendered with.
struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List the models the daemon can render with.",
        discussion: """
            The NAME is what submit --model takes; GUIDANCE is the guidance scale a job gets when \
            it names none.

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
        var table = TextTable(headers: ["NAME", "KIND", "GUIDANCE", "SUMMARY"], rightAligned: [2])
        for model in models {
            table.add([model.name, model.kind, String(format: "%g", model.defaultGuidance), model.summary])
        }
        for line in table.render() { Terminal.print(line) }
    }
}
