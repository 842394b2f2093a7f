import Foundation
import MosaicClient
import MosaicTestSupport
import Testing

/// The daemon's socket: created 0660 with its group, never taken from a live daemon (the lock
/// file next to it), and replaced when a crash left it behind.
@Suite(.serialized) struct SocketTests {
    /// Runs `mosaicd serve` that is expected to refuse to start; returns its exit status and output.
    func refusedServe(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try DaemonProcess.runToExit(["serve"] + arguments)
    }

    func inode(_ path: String) -> (ino: UInt, mode: UInt32, gid: UInt32)? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return (UInt(info.st_ino), info.st_mode, info.st_gid)
    }

    @Test func socketIsCreated0660WithItsGroup() throws {
        // The caller's primary group always exists and may be given to the socket.
        let gid = getgid()
        let name = try #require(getgrgid(gid).map { String(cString: $0.pointee.gr_name) })
        let daemon = try DaemonProcess(extraArguments: ["--socket-group", name])
        defer { daemon.stop() }
        let socket = try #require(inode(daemon.socketPath))
        #expect(socket.mode & S_IFMT == S_IFSOCK)
        #expect(socket.mode & 0o777 == 0o660, "mode \(String(socket.mode & 0o777, radix: 8))")
        #expect(socket.gid == gid)
    }

    @Test func secondDaemonIsRefusedOnALiveSocket() throws {
        let first = try DaemonProcess()
        defer { first.stop() }
        let before = try #require(inode(first.socketPath))
        // Another state directory, the same socket: refused by the socket's lock.
        let other = first.directory.appendingPathComponent("other-state").path
        let refused = try refusedServe(["--state-dir", other, "--socket", first.socketPath])
        #expect(refused.status != 0)
        #expect(refused.output.contains("already serving \(first.socketPath)"), "\(refused.output)")
        // The live socket was left alone and still answers.
        #expect(inode(first.socketPath)?.ino == before.ino)
        #expect(try first.client.status().version == "0.1.0")
    }

    @Test func secondDaemonIsRefusedOnALockedStateDirectory() throws {
        let first = try DaemonProcess()
        defer { first.stop() }
        let otherSocket = first.directory.appendingPathComponent("other.sock").path
        let refused = try refusedServe(["--state-dir", first.stateDirectory, "--socket", otherSocket])
        #expect(refused.status != 0)
        #expect(refused.output.contains("another mosaicd is using this state directory"), "\(refused.output)")
        #expect(try first.client.status().version == "0.1.0")
    }

    @Test func staleSocketLeftByACrashIsReplaced() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "mosaicd-stale-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("mosaicd.sock").path
        // A socket file nobody listens on, as SIGKILL leaves it.
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        close(fd)
        #expect(bound == 0)
        let stale = try #require(inode(path))
        // A second name keeps the stale inode allocated, so a new socket cannot reuse its number.
        #expect(link(path, path + ".stale") == 0)
        #expect((try? MosaicClient(socketPath: path, timeout: 2).status()) == nil, "nobody answers on the stale socket")

        let daemon = try DaemonProcess(directory: directory)
        defer { daemon.stop() }
        #expect(try daemon.client.status().version == "0.1.0")
        #expect(inode(path)?.ino != stale.ino, "a new socket replaced the stale one")
    }
}
