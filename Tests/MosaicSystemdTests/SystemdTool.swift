import Foundation

/// Runs systemd's command-line tools (systemd-analyze, systemd-sysusers, systemd-tmpfiles)
/// for the unit file tests.
enum SystemdTool {
    /// The path of the tool `name`, or nil where systemd is absent (macOS, minimal containers).
    static func path(_ name: String) -> String? {
        ["/usr/bin/\(name)", "/bin/\(name)"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs `name` with `arguments` and `input` on stdin; returns the exit status and
    /// stdout and stderr together.
    static func run(_ name: String, _ arguments: [String], input: String = "") throws -> (status: Int32, output: String)
    {
        guard let path = path(name) else { throw CocoaError(.fileNoSuchFile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let output = Pipe()
        let stdin = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = stdin
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
