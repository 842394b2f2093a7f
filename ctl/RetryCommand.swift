import ArgumentParser
import MosaicClient

/// `mosaicctl retry`: requeue a failed or canceled job.
struct RetryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Queue a failed or canceled job again, with the same parameters.",
        discussion: """
            The job keeps its id, seed and priority; if it has a checkpoint, the render resumes \
            from it. You may retry your own jobs; root and the admin group any job.

            EXAMPLES
              mosaicctl retry 7 && mosaicctl watch 7
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The job id.")
    var id: Int64

    func run() throws {
        do throws(ClientError) {
            let job = try global.client().retry(id)
            Terminal.print("\(job.id) \(job.state.rawValue)")
        } catch {
            throw CtlError(error).about("job \(id)")
        }
    }
}
