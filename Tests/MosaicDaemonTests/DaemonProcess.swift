import Foundation
import MosaicAPI
import MosaicClient

/// A real `mosaicd serve` process on a temporary socket and state directory.
final class DaemonProcess {
    let directory: URL
    let socketPath: String
    let stateDirectory: String
    let process = Process()
    let logPath: String
    var client: MosaicClient { MosaicClient(socketPath: socketPath, timeout: 60) }

    /// The directory holding the built executables (next to the test bundle).
    static var binDirectory: URL {
        let bundle = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
                         ?? CommandLine.arguments[0])
        return bundle.deletingLastPathComponent()
    }

    /// Starts a daemon; `directory` is reused when given (a restart on the same state).
    init(directory existing: URL? = nil, threads: Int = 2, extraArguments: [String] = [],
         environment: [String: String] = [:]) throws {
        if let existing {
            directory = existing
        } else {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("mosaicd-e2e-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o755])
        }
        socketPath = directory.appendingPathComponent("mosaicd.sock").path
        stateDirectory = directory.appendingPathComponent("state").path
        logPath = directory.appendingPathComponent("daemon-\(UUID().uuidString.prefix(4)).log").path
        FileManager.default.createFile(atPath: logPath, contents: nil)
        process.executableURL = Self.binDirectory.appendingPathComponent("mosaicd")
        process.arguments = ["serve", "--state-dir", stateDirectory, "--socket", socketPath, "--threads", "\(threads)"]
            + extraArguments
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "NOTIFY_SOCKET")
        env.removeValue(forKey: "LISTEN_FDS")
        env.removeValue(forKey: "LISTEN_PID")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let log = FileHandle(forWritingAtPath: logPath)
        process.standardOutput = log
        process.standardError = log
        try process.run()
        try waitUntilReady()
    }

    func waitUntilReady(timeout: Double = 30) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if (try? MosaicClient(socketPath: socketPath, timeout: 2).status()) != nil { return }
            guard process.isRunning else { throw DaemonTestError.exited(log: log) }
            usleep(20_000)
        }
        throw DaemonTestError.notReady(log: log)
    }

    /// Sends SIGTERM and waits for the exit status.
    @discardableResult
    func stop() -> Int32 {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return process.terminationStatus
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Polls `job` until `condition` holds.
    func waitFor(_ id: Int64, timeout: Double = 120, _ condition: (Job) -> Bool) throws -> Job {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let job = try client.job(id)
            if condition(job) { return job }
            usleep(20_000)
        }
        throw DaemonTestError.timeout("job \(id)")
    }

    deinit {
        if process.isRunning { process.terminate(); process.waitUntilExit() }
    }
}

enum DaemonTestError: Error, CustomStringConvertible {
    case exited(log: String)
    case notReady(log: String)
    case timeout(String)

    var description: String {
        switch self {
        case .exited(let log): "mosaicd exited early:\n\(log)"
        case .notReady(let log): "mosaicd did not become ready:\n\(log)"
        case .timeout(let what): "timed out waiting for \(what)"
        }
    }
}

/// Small renders for queue tests.
func smallRender(_ prompt: String = "calm sea", side: Int = 256, steps: Int = 4, seed: UInt64 = 1,
                 lossless: Bool? = nil) -> RenderSpec {
    RenderSpec(prompt: prompt, width: side, height: side, steps: steps, seed: seed, lossless: lossless)
}
