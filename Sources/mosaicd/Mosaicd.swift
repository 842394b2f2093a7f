import ArgumentParser
import Foundation

/// The root command: `mosaicd <subcommand>`.
@main
struct Mosaicd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mosaicd",
        abstract: "Render very large images with diffusion models, tile by tile, on ordinary CPUs.",
        discussion: """
            mosaicd splits an image's latent canvas into tiles, denoises the tiles in parallel and \
            synchronises them after every denoising step, so no seams appear.

            EXIT STATUS
              0  success (serve: stopped cleanly by SIGTERM or SIGINT)
              1  the render or the daemon failed (model, sampler, decode, write, database or socket error)
              2  usage error: bad option or value (nothing is written)
              130  interrupted
            """,
        version: "mosaicd 0.1.0",
        subcommands: [ServeCommand.self, RenderCommand.self, SeamsCommand.self],
        defaultSubcommand: ServeCommand.self)

    /// Parses and runs, mapping every usage error to exit status 2 with one line on stderr.
    static func main() async {
        let command: ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exitWithUsageError(error)
        }
        do {
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                var command = command
                try command.run()
            }
        } catch let error as UsageError {
            FileHandle.standardError.write(Data("mosaicd: \(error.message)\n".utf8))
            Foundation.exit(2)
        } catch {
            let code = exitCode(for: error)
            if code == .success || error is CleanExit { exit(withError: error) }
            FileHandle.standardError.write(Data("mosaicd: \(error)\n".utf8))
            Foundation.exit(1)
        }
    }

    private static func exitWithUsageError(_ error: Error) -> Never {
        let code = exitCode(for: error)
        if code == .success { exit(withError: error) }
        let message = fullMessage(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
        FileHandle.standardError.write(Data("mosaicd: \(message.replacingOccurrences(of: "Error: ", with: ""))\n".utf8))
        FileHandle.standardError.write(Data("Run 'mosaicd help' for usage.\n".utf8))
        Foundation.exit(2)
    }
}

/// A user error found after parsing (a bad value, an unwritable path): exit status 2.
struct UsageError: Error {
    let message: String
}
