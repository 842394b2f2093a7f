import Foundation
import MosaicAPI
import MosaicClient
import MosaicTestSupport
import Testing

/// The daemon under systemd's protocols, without systemd: a datagram socket stands in for
/// NOTIFY_SOCKET, and `systemd-socket-activate` passes the listening socket as fd 3.
@Suite(.serialized) struct SystemdIntegrationTests {
    /// A bound AF_UNIX datagram socket that collects notification messages.
    final class NotifyListener {
        let path: String
        let fd: Int32

        init(directory: URL) throws {
            path = directory.appendingPathComponent("notify.sock").path
            fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            guard result == 0 else { throw DaemonTestError.timeout("bind \(path): errno \(errno)") }
        }

        /// Every message received within `seconds`.
        func messages(for seconds: Double) -> [String] {
            var out: [String] = []
            let deadline = Date().addingTimeInterval(seconds)
            var buffer = [UInt8](repeating: 0, count: 4096)
            while Date() < deadline {
                var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                guard poll(&pfd, 1, 50) > 0 else { continue }
                let n = recv(fd, &buffer, buffer.count, 0)
                if n > 0 { out.append(String(decoding: buffer[0..<n], as: UTF8.self)) }
            }
            return out
        }

        deinit {
            close(fd)
            unlink(path)
        }
    }

    @Test func notifiesReadyStatusWatchdogAndStopping() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "mosaicd-notify-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let listener = try NotifyListener(directory: directory)
        let daemon = try DaemonProcess(
            directory: directory,
            environment: [
                "NOTIFY_SOCKET": listener.path, "WATCHDOG_USEC": "1000000",
            ])
        let job = try daemon.client.submit(SubmitRequest(render: smallRender(steps: 3)))
        _ = try daemon.waitFor(job.id) { $0.state.isFinished }
        var messages = listener.messages(for: 1.2)
        #expect(daemon.stop() == 0)
        messages += listener.messages(for: 0.5)
        let lines = messages.flatMap { $0.split(separator: "\n").map(String.init) }
        #expect(lines.contains("READY=1"), "\(lines)")
        #expect(lines.contains { $0.hasPrefix("STATUS=job \(job.id): step 3/3") }, "\(lines)")
        #expect(lines.contains("WATCHDOG=1"), "\(lines)")
        #expect(lines.contains("STOPPING=1"), "\(lines)")
        #expect(lines.firstIndex(of: "READY=1") ?? .max < lines.firstIndex(of: "STOPPING=1") ?? -1)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-socket-activate")))
    func servesTheSocketPassedBySystemdSocketActivate() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "mosaicd-activate-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let socket = directory.appendingPathComponent("activated.sock").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/systemd-socket-activate")
        // --socket names a path mosaicd must NOT bind: it has to use fd 3.
        process.arguments = [
            "-l", socket, DaemonProcess.binDirectory.appendingPathComponent("mosaicd").path, "serve",
            "--state-dir", directory.appendingPathComponent("state").path,
            "--socket", directory.appendingPathComponent("unused.sock").path,
        ]
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }
        let client = MosaicClient(socketPath: socket, timeout: 30)
        var status: DaemonStatus?
        for _ in 0..<300 where status == nil {
            status = try? client.status()
            if status == nil { usleep(20_000) }
        }
        #expect(status?.version != nil)
        let job = try client.submit(SubmitRequest(render: smallRender(steps: 2)))
        #expect(job.id == 1)
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("unused.sock").path))
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }
}
