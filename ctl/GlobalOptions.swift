import ArgumentParser
import MosaicClient

/// Options every verb takes.
struct GlobalOptions: ParsableArguments {
    // No default value here: it would be read from the environment into --help and the
    // completion scripts; the client resolves it when the option is absent.
    @Option(
        help: ArgumentHelp(
            "The daemon's socket (default: $MOSAIC_SOCKET, else /run/mosaic/mosaicd.sock).",
            valueName: "path"),
        completion: .file())
    var socket: String?

    @Option(help: ArgumentHelp("Seconds to wait for the daemon to answer.", valueName: "seconds"))
    var timeout: Double = 30

    func validate() throws {
        guard timeout.isFinite, timeout > 0 else {
            throw ValidationError("--timeout must be a positive number of seconds")
        }
    }

    /// A client of the chosen socket.
    func client() -> MosaicClient {
        MosaicClient(socketPath: socket ?? MosaicClient.defaultSocketPath, timeout: timeout)
    }
}
