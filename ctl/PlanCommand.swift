import ArgumentParser
import MosaicAPI

/// `mosaicctl plan`: what a render would cost before it is queued.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show the stages of a render, its UNet tile evaluations and its time, without queuing it.",
        discussion: """
            Takes the same prompt and render options as mosaicctl submit and asks the daemon how \
            it would run them: each stage's size, strength, steps (int(steps x strength)) and \
            UNet tile evaluations, the total against a direct render of the same size, and the \
            denoising time at the rate the daemon has measured for that model and tile size since \
            it started (unknown until it has rendered a tile; decodes and encodes not included).

            EXAMPLES
              mosaicctl plan "a lighthouse at dawn" --model sd15 --width 8192 --height 8192
              mosaicctl plan "a lighthouse" --model sd15 --width 4096 --height 4096 \\
                --stages 512,1024,2048,4096 --strengths 1,0.5,0.35,0.25 --json
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "What to render.")
    var prompt: String

    @OptionGroup(title: "Render options") var render: RenderOptions

    @Flag(help: "Print the plan as JSON.")
    var json = false

    func run() throws {
        let plan = try global.client().plan(SubmitRequest(render: render.spec(prompt: prompt)))
        if json {
            try JSONOutput.print(plan)
        } else {
            for line in plan.text.split(separator: "\n", omittingEmptySubsequences: false) {
                Terminal.print(String(line))
            }
        }
    }
}
