import Foundation
import MosaicClient
import MosaicTestSupport

/// One real `mosaicd serve` on its own state directory and socket, its output in a log file.
final class FuzzDaemon {
    let executable: URL
    let stateDirectory: String
    let socketPath: String
    let logPath: String
    let threads: Int
    private var process: Process?

    init(executable: URL, directory: URL, name: String, threads: Int) {
        self.executable = executable
        stateDirectory = directory.appendingPathComponent("\(name)-state").path
        socketPath = directory.appendingPathComponent("\(name).sock").path
        logPath = directory.appendingPathComponent("\(name).log").path
        self.threads = threads
    }

    /// A typed client with a timeout long enough for a busy machine.
    var client: MosaicClient { MosaicClient(socketPath: socketPath, timeout: 30) }

    /// Whether the process is alive.
    var isRunning: Bool { process?.isRunning ?? false }

    /// The process id, 0 when not started.
    var pid: Int32 { process?.processIdentifier ?? 0 }

    /// Starts `mosaicd serve` and waits until its socket answers.
    func start(readyTimeout: Double) throws(FuzzError) {
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw .daemonMissing(path: executable.path)
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = [
            "serve", "--state-dir", stateDirectory, "--socket", socketPath, "--threads", String(threads),
        ]
        process.environment = DaemonProcess.environment()
        guard FileManager.default.createFile(atPath: logPath, contents: nil),
            let log = FileHandle(forWritingAtPath: logPath)
        else {
            throw .io(path: logPath, reason: "cannot create the daemon log")
        }
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { throw .cannotStart(reason: "\(error)") }
        try? log.close()
        self.process = process
        DaemonReaper.pid.store(process.processIdentifier, ordering: .relaxed)
        let deadline = Date().addingTimeInterval(readyTimeout)
        let probe = MosaicClient(socketPath: socketPath, timeout: 2)
        while Date() < deadline {
            if (try? probe.status()) != nil { return }
            guard process.isRunning else { throw .exited(status: process.terminationStatus, log: logTail()) }
            usleep(20_000)
        }
        throw .notReady(seconds: readyTimeout, log: logTail())
    }

    /// The daemon's resident set size in KiB (VmRSS in /proc/PID/status), nil when unreadable.
    func residentKiB() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.dropFirst(6).trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "")
        }
        return nil
    }

    /// Sends SIGTERM and waits up to `timeout` seconds; the exit status, or nil when it had
    /// died before, or had to be killed.
    func stop(timeout: Double = 60) -> Int32? {
        guard let process else { return nil }
        defer {
            self.process = nil
            DaemonReaper.pid.store(0, ordering: .relaxed)
        }
        guard process.isRunning else { return nil }
        process.terminate()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        guard !process.isRunning else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        process.waitUntilExit()
        return process.terminationReason == .exit ? process.terminationStatus : nil
    }

    /// How the process ended, once it has: for the report when it died during the fuzz.
    var exitDescription: String {
        guard let process, !process.isRunning else { return "running" }
        return process.terminationReason == .exit
            ? "exited with status \(process.terminationStatus)"
            : "died of signal \(process.terminationStatus)"
    }

    /// The last `lines` lines of the daemon's log.
    func logTail(lines: Int = 30) -> String {
        guard let data = FileManager.default.contents(atPath: logPath) else { return "" }
        return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .suffix(lines).joined(separator: "\n")
    }
}
