import Foundation

/// Runs the built `mosaicctl` binary (it sits next to the test bundle) and captures its output.
public enum CtlRunner {
    /// What a run printed and how it exited.
    public typealias Result = Command.Result

    /// The `mosaicctl` executable built with the tests.
    public static var executable: URL {
        DaemonProcess.binDirectory.appendingPathComponent("mosaicctl")
    }

    /// Runs `mosaicctl arguments...` with `$MOSAIC_SOCKET` unset unless `socket` is given.
    public static func run(_ arguments: [String], socket: String? = nil) throws -> Result {
        var environment = ProcessInfo.processInfo.environment
        environment["MOSAIC_SOCKET"] = socket
        return try Command.run(executable, arguments, environment: environment)
    }
}
