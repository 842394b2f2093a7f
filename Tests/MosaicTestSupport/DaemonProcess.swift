import Foundation
import MosaicAPI
import MosaicClient

/// A real `mosaicd serve` process on a temporary socket and state directory.
public final class DaemonProcess {
    /// The directory holding the socket, the state and the log.
    public let directory: URL
    /// The daemon's socket.
    public let socketPath: String
    /// The daemon's `--state-dir`.
    public let stateDirectory: String
    /// The running `mosaicd`.
    public let process = Process()
    /// Where the daemon's stdout and stderr go.
    public let logPath: String
    /// A client of this daemon.
    public var client: MosaicClient { MosaicClient(socketPath: socketPath, timeout: 60) }

    /// The directory holding the built executables (next to the test bundle).
    public static var binDirectory: URL {
        let bundle = URL(
            fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
                ?? CommandLine.arguments[0])
        return bundle.deletingLastPathComponent()
    }

    /// Starts a daemon; `directory` is reused when given (a restart on the same state).
    /// `executable` defaults to the `mosaicd` built next to this program.
    public init(
        directory existing: URL? = nil, threads: Int = 2, extraArguments: [String] = [],
        environment: [String: String] = [:], executable: URL? = nil
    ) throws {
        if let existing {
            directory = existing
        } else {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "mosaicd-e2e-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(
                at: directory, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o755])
        }
        socketPath = directory.appendingPathComponent("mosaicd.sock").path
        stateDirectory = directory.appendingPathComponent("state").path
        logPath = directory.appendingPathComponent("daemon-\(UUID().uuidString.prefix(4)).log").path
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        process.executableURL = executable ?? Self.binDirectory.appendingPathComponent("mosaicd")
        process.arguments =
            ["serve", "--state-dir", stateDirectory, "--socket", socketPath, "--threads", "\(threads)"]
            + extraArguments
        process.environment = Self.environment(environment)
        let log = FileHandle(forWritingAtPath: logPath)
        process.standardOutput = log
        process.standardError = log
        try process.run()
        try waitUntilReady()
    }

    /// Waits until the daemon answers `GET /v1/status`.
    public func waitUntilReady(timeout: Double = 30) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if (try? MosaicClient(socketPath: socketPath, timeout: 2).status()) != nil { return }
            guard process.isRunning else { throw DaemonTestError.exited(log: log) }
            usleep(20_000)
        }
        throw DaemonTestError.notReady(log: log)
    }

    /// This process's environment for a `mosaicd` child, plus `extra`: without systemd's
    /// variables (a daemon started from a unit must not think systemd is watching it) and
    /// without inherited fault injection (a test or tool names its faults in `extra`).
    public static func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for key in [
            "NOTIFY_SOCKET", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES", "WATCHDOG_USEC", "WATCHDOG_PID",
            "MOSAIC_FAULTS",
        ] {
            environment.removeValue(forKey: key)
        }
        return environment.merging(extra) { $1 }
    }

    /// Runs `mosaicd arguments...` that is expected to exit by itself (a one-shot render, a
    /// refused start, an injected crash), stopping it after `seconds`; returns its exit status
    /// and output. The
    /// output goes to a file, so a chatty daemon never blocks on a full pipe.
    public static func runToExit(
        _ arguments: [String], environment: [String: String] = [:],
        seconds: Double = 20
    ) throws -> (status: Int32, output: String) {
        let logPath = FileManager.default.temporaryDirectory.appendingPathComponent(
            "mosaicd-run-\(UUID().uuidString.prefix(8)).log"
        ).path
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: logPath) }
        let process = Process()
        process.executableURL = binDirectory.appendingPathComponent("mosaicd")
        process.arguments = arguments
        process.environment = Self.environment(environment)
        let log = FileHandle(forWritingAtPath: logPath)
        process.standardOutput = log
        process.standardError = log
        try process.run()
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        try? log?.close()
        return (process.terminationStatus, (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "")
    }

    /// Sends SIGTERM and waits for the exit status.
    @discardableResult
    public func stop() -> Int32 {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Everything the daemon has logged so far.
    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Polls `job` until `condition` holds.
    public func waitFor(_ id: Int64, timeout: Double = 120, _ condition: (Job) -> Bool) throws -> Job {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let job = try client.job(id)
            if condition(job) { return job }
            usleep(20_000)
        }
        throw DaemonTestError.timeout("job \(id)")
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }
}

/// Why a test daemon could not be used.
public enum DaemonTestError: Error, CustomStringConvertible {
    /// The daemon exited before it answered.
    case exited(log: String)
    /// The daemon did not answer in time.
    case notReady(log: String)
    /// A wait for `what` ran out of time.
    case timeout(String)

    /// A description that carries the daemon's log.
    public var description: String {
        switch self {
        case .exited(let log): "mosaicd exited early:\n\(log)"
        case .notReady(let log): "mosaicd did not become ready:\n\(log)"
        case .timeout(let what): "timed out waiting for \(what)"
        }
    }
}

/// Small renders for queue tests.
public func smallRender(
    _ prompt: String = "calm sea", side: Int = 256, steps: Int = 4, seed: UInt64 = 1,
    lossless: Bool? = nil
) -> RenderSpec {
    RenderSpec(prompt: prompt, width: side, height: side, steps: steps, seed: seed, lossless: lossless)
}
