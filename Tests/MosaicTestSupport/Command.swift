import Foundation

/// Runs a program to its end and captures what it printed: the one way the tests and the tools
/// run the built binaries, scripts and system programs.
public enum Command {
    /// What a run printed and how it exited.
    public struct Result: Sendable {
        /// The exit status.
        public let status: Int32
        /// Everything printed on stdout.
        public let stdout: String
        /// Everything printed on stderr.
        public let stderr: String
    }

    /// Runs `executable` with `arguments` (and `environment` instead of this process's, when
    /// given), stdin empty, and waits for it to exit.
    public static func run(_ executable: URL, _ arguments: [String], environment: [String: String]? = nil) throws
        -> Result
    {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
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

    /// `run` of the program at `path`.
    public static func run(_ path: String, _ arguments: [String], environment: [String: String]? = nil) throws
        -> Result
    {
        try run(URL(fileURLWithPath: path), arguments, environment: environment)
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
