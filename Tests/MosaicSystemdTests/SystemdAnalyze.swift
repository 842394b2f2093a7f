import Foundation

/// Runs systemd-analyze for the unit file tests.
enum SystemdAnalyze {
    /// The path of systemd-analyze, or nil where systemd is absent (macOS, minimal containers).
    static let path: String? = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Runs it with `arguments`; returns the exit status and stdout and stderr together.
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        guard let path else { throw CocoaError(.fileNoSuchFile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
