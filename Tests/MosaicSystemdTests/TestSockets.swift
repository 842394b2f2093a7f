import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Real AF_UNIX sockets bound in a fresh temporary directory, removed on `close()`.
final class TestSockets {
    /// The temporary directory holding the socket files.
    let directory: String
    private var openDescriptors: [Int32] = []

    init() throws {
        var template = Array("/tmp/mosaic-systemd-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw TestSocketError.failed("mkdtemp", errno) }
        directory = String(cString: made)
    }

    /// A socket of `type` bound to `name` inside the directory, listening when asked.
    func bound(_ name: String, type: __socket_type, listening: Bool) throws -> (fd: Int32, path: String) {
        let path = directory + "/" + name
        let fd = socket(AF_UNIX, Int32(type.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TestSocketError.failed("socket", errno) }
        openDescriptors.append(fd)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.utf8.count < capacity else { throw TestSocketError.failed("path too long: \(path)", 0) }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: path.utf8)
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else { throw TestSocketError.failed("bind \(path)", errno) }
        if listening, listen(fd, 8) != 0 { throw TestSocketError.failed("listen", errno) }
        return (fd, path)
    }

    /// An unbound socket of `type` (for the negative checks).
    func unbound(type: __socket_type) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(type.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TestSocketError.failed("socket", errno) }
        openDescriptors.append(fd)
        return fd
    }

    /// Every datagram waiting on `fd`, without blocking.
    func datagrams(on fd: Int32) -> [String] {
        var messages: [String] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count < 0 { break }
            messages.append(String(decoding: buffer[0..<count], as: UTF8.self))
        }
        return messages
    }

    /// Closes the sockets and removes the directory.
    func close() {
        for fd in openDescriptors { Glibc.close(fd) }
        openDescriptors = []
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// A system call that failed while setting up a test socket.
enum TestSocketError: Error {
    case failed(String, Int32)
}
