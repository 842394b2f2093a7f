import Foundation

/// Runs the built `mosaicctl` binary (it sits next to the test bundle) and captures its output.
public enum CtlRunner {
    /// What a run printed and how it exited.
    public struct Result {
        /// The exit status.
        public let status: Int32
        /// Everything printed on stdout.
        public let stdout: String
        /// Everything printed on stderr.
        public let stderr: String
    }

    /// The `mosaicctl` executable built with the tests.
    public static var executable: URL {
        DaemonProcess.binDirectory.appendingPathComponent("mosaicctl")
    }

    /// Runs `mosaicctl arguments...` with `$MOSAIC_SOCKET` unset unless `socket` is given.
    public static func run(_ arguments: [String], socket: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["MOSAIC_SOCKET"] = socket
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes at once so a full stderr pipe cannot stall the child.
        let errData = DataBox()
        let reader = Thread { errData.set(err.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let stderr = errData.wait()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// One value handed from a reader thread.
    private final class DataBox: @unchecked Sendable {
        private var data = Data()
        private let ready = DispatchSemaphore(value: 0)
        func set(_ value: Data) {
            data = value
            ready.signal()
        }
        func wait() -> Data {
            ready.wait()
            return data
        }
    }
}
