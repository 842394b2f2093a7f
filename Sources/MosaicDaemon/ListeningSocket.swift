import Foundation

/// The daemon's listening Unix socket: bound here, or inherited from systemd.
///
/// A lock file next to the socket (`PATH.lock`, flock) decides who owns the path: a second
/// daemon finds it locked and refuses to start instead of unlinking a live socket; a socket
/// file left by a crashed daemon (whose lock died with it) is replaced.
public struct ListeningSocket: Sendable {
    /// The listening descriptor.
    public let descriptor: Int32
    /// The socket's path, when this process bound it.
    public let path: String?
    let lockDescriptor: Int32?

    /// Wraps a socket systemd passed in.
    public static func inherited(_ descriptor: Int32) -> ListeningSocket {
        ListeningSocket(descriptor: descriptor, path: nil, lockDescriptor: nil)
    }

    /// Binds and listens on `path` with mode 0660 (group `group` when given).
    public static func bind(path: String, group: String?, backlog: Int32 = 256) throws(DaemonError) -> ListeningSocket {
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(
                atPath: directory.isEmpty ? "." : directory, withIntermediateDirectories: true)
        } catch {
            throw .socket(path: path, operation: "create directory", reason: "\(error.localizedDescription)")
        }
        let lock = open(path + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard lock >= 0 else {
            throw .socket(path: path, operation: "open lock file", reason: String(cString: strerror(errno)))
        }
        guard flock(lock, LOCK_EX | LOCK_NB) == 0 else {
            close(lock)
            throw .alreadyRunning(path: path)
        }
        // We hold the lock, so any socket file here is stale.
        unlink(path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else {
            close(lock)
            throw .socket(path: path, operation: "socket", reason: String(cString: strerror(errno)))
        }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.utf8.count < capacity else {
            close(fd)
            close(lock)
            throw .socket(path: path, operation: "bind", reason: "the path is longer than \(capacity - 1) bytes")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: Array(path.utf8) + [0])
        }
        let previous = umask(0o117)  // the socket is created 0660
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        umask(previous)
        guard bound == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            close(lock)
            throw .socket(path: path, operation: "bind", reason: reason)
        }
        if let group {
            guard let gid = Self.groupID(group) else {
                close(fd)
                close(lock)
                unlink(path)
                throw .socket(path: path, operation: "chown", reason: "no group named \(group)")
            }
            guard chown(path, UInt32.max, gid) == 0 else {
                let reason = String(cString: strerror(errno))
                close(fd)
                close(lock)
                unlink(path)
                throw .socket(path: path, operation: "chown to group \(group)", reason: reason)
            }
        }
        chmod(path, 0o660)
        guard listen(fd, backlog) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            close(lock)
            unlink(path)
            throw .socket(path: path, operation: "listen", reason: reason)
        }
        return ListeningSocket(descriptor: fd, path: path, lockDescriptor: lock)
    }

    /// Removes the socket file this process created and releases the lock.
    public func release() {
        if let path { unlink(path) }
        if let lockDescriptor { close(lockDescriptor) }
    }

    static func groupID(_ name: String) -> gid_t? {
        var entry = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 16384)
        guard getgrnam_r(name, &entry, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        return entry.gr_gid
    }
}

/// Why the daemon could not start or run.
public enum DaemonError: Error, CustomStringConvertible {
    /// Another daemon holds the socket's lock.
    case alreadyRunning(path: String)
    /// A socket system call failed.
    case socket(path: String, operation: String, reason: String)
    /// The state directory is unusable.
    case stateDirectory(path: String, reason: String)
    /// The configuration is invalid.
    case configuration(String)

    public var description: String {
        switch self {
        case .alreadyRunning(let path):
            return "another mosaicd is already serving \(path) (its lock \(path).lock is held)"
        case .socket(let path, let operation, let reason): return "cannot \(operation) \(path): \(reason)"
        case .stateDirectory(let path, let reason): return "state directory \(path): \(reason)"
        case .configuration(let message): return "configuration: \(message)"
        }
    }
}
