import Foundation
import MosaicClient
import MosaicTestSupport

/// Starts, kills and restarts one real `mosaicd serve` on a fixed state directory and socket.
///
/// Every start appends to one log file, behind a header line, so a failure can be traced
/// across restarts. SIGKILL is the point: nothing in the daemon gets to clean up.
final class DaemonSupervisor {
    let executable: URL
    let stateDirectory: String
    let socketPath: String
    let logPath: String
    /// The `MOSAIC_FAULTS` value passed to every start; nil passes none.
    let faults: String?
    private var process: Process?
    /// When the current process was started.
    private(set) var startedAt = Date()
    /// How many times a daemon was started.
    private(set) var starts = 0
    /// `--threads` of the current process.
    private(set) var threads = 0

    init(executable: URL, stateDirectory: String, socketPath: String, logPath: String, faults: String?) {
        self.executable = executable
        self.stateDirectory = stateDirectory
        self.socketPath = socketPath
        self.logPath = logPath
        self.faults = faults
    }

    /// A client with a short timeout: the torture loop polls, and a daemon that stalls for
    /// seconds should be noticed rather than waited on.
    var client: MosaicClient { MosaicClient(socketPath: socketPath, timeout: 10) }

    /// Whether the current process is alive.
    var isRunning: Bool { process?.isRunning ?? false }

    /// Milliseconds since the current process was started.
    var millisecondsSinceStart: Int { Int(Date().timeIntervalSince(startedAt) * 1000) }

    /// Starts `mosaicd serve`; returns at once, before the socket answers.
    func start(threads: Int) throws(TortureError) {
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw .daemonMissing(path: executable.path)
        }
        starts += 1
        self.threads = threads
        appendToLog("=== mosaic-torture: start \(starts) with --threads \(threads) at \(Date()) ===\n")
        let process = Process()
        process.executableURL = executable
        // Kills land at random, often several at one step: the crash-loop guard (which fails a job
        // resumed 3 times at one step) would turn this test's own kills into failed jobs.
        process.arguments = [
            "serve", "--state-dir", stateDirectory, "--socket", socketPath, "--threads", String(threads),
            "--max-stalled-resumes", "1000",
        ]
        process.environment = DaemonProcess.environment(faults.map { ["MOSAIC_FAULTS": $0] } ?? [:])
        guard let log = FileHandle(forWritingAtPath: logPath) else {
            throw .io(path: logPath, reason: "cannot open the daemon log for writing")
        }
        log.seekToEndOfFile()
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { throw .cannotStart(reason: "\(error)") }
        try? log.close()
        startedAt = Date()
        self.process = process
        DaemonReaper.pid.store(process.processIdentifier, ordering: .relaxed)
    }

    /// Waits until `GET /v1/status` answers, which the daemon serves only after recovery.
    func waitUntilReady(timeout: Double) throws(TortureError) {
        let deadline = Date().addingTimeInterval(timeout)
        let probe = MosaicClient(socketPath: socketPath, timeout: 2)
        while Date() < deadline {
            if (try? probe.status()) != nil { return }
            if let process, !process.isRunning { throw .exited(status: process.terminationStatus, log: logTail()) }
            usleep(10_000)
        }
        throw .notReady(seconds: timeout, log: logTail())
    }

    /// Sends SIGKILL and reaps the process. Returns how the daemon ended when it had already
    /// ended by itself (a crash, which the caller reports), nil after a real kill.
    @discardableResult
    func kill() -> String? {
        guard let process else { return nil }
        defer {
            self.process = nil
            DaemonReaper.pid.store(0, ordering: .relaxed)
        }
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        let status = process.terminationStatus
        switch process.terminationReason {
        case .exit: return "exited with status \(status)"
        case .uncaughtSignal: return status == SIGKILL ? nil : "died of signal \(status)"
        @unknown default: return "ended (\(status))"
        }
    }

    /// Sends SIGTERM and waits up to `timeout` seconds; returns the exit status, or nil when it
    /// had to be killed.
    func stop(timeout: Double = 60) -> Int32? {
        guard let process else { return nil }
        defer {
            self.process = nil
            DaemonReaper.pid.store(0, ordering: .relaxed)
        }
        if process.isRunning { process.terminate() }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        guard !process.isRunning else {
            Glibc.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// The last `lines` lines of the daemon's log.
    func logTail(lines: Int = 30) -> String {
        guard let data = FileManager.default.contents(atPath: logPath) else { return "" }
        let text = String(decoding: data, as: UTF8.self)
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    private func appendToLog(_ line: String) {
        if !FileManager.default.fileExists(atPath: logPath) {
            _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        }
        guard let handle = FileHandle(forWritingAtPath: logPath) else { return }
        handle.seekToEndOfFile()
        handle.write(Data(line.utf8))
        try? handle.close()
    }
}
