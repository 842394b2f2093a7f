import CSystemd

#if canImport(Glibc)
    import Glibc
#endif

/// Sockets handed over by systemd's socket activation (`mosaicd.socket`), per sd_listen_fds(3).
///
/// systemd opens `/run/mosaic/mosaicd.sock` itself and passes it as descriptor 3 with
/// `LISTEN_FDS=1` and `LISTEN_PID=<our pid>`; so the socket exists, with its owner and mode,
/// before the daemon starts, and connections made during a restart wait in its backlog.
public enum SocketActivation {
    /// The first descriptor that systemd passes; the next ones follow without gaps.
    public static let firstFileDescriptor: Int32 = Int32(SD_LISTEN_FDS_START)

    /// The descriptors passed by the service manager, `[3, 4, ...]`, or `[]` when the daemon was
    /// not socket-activated (`LISTEN_PID` unset or naming another process, `LISTEN_FDS` unset).
    ///
    /// The descriptors get `FD_CLOEXEC`, so they do not leak into child processes.
    /// - Parameter unsetEnvironment: remove `LISTEN_*` afterwards, so a later call returns `[]`.
    /// - Throws: ``SocketActivationError/listenFDsFailed(errno:)`` when `LISTEN_FDS` or
    ///   `LISTEN_PID` is malformed or a passed descriptor is not open.
    public static func listenFileDescriptors(
        unsetEnvironment: Bool = false
    ) throws(SocketActivationError) -> [Int32] {
        let count = sd_listen_fds(unsetEnvironment ? 1 : 0)
        if count < 0 {
            throw .listenFDsFailed(errno: -count)
        }
        return (0..<count).map { firstFileDescriptor + $0 }
    }

    /// Checks that `fd` is a listening `AF_UNIX` stream socket, bound to `path` when one is given.
    ///
    /// A wrong `.socket` unit (`ListenDatagram=`, a TCP port, `Accept=yes`) would otherwise
    /// surface later as an obscure accept(2) error.
    /// - Throws: ``SocketActivationError/notListeningUnixStream(fd:path:)`` when it is anything
    ///   else, ``SocketActivationError/inspectionFailed(fd:errno:)`` when it cannot be inspected.
    public static func checkListeningUnixStream(
        _ fd: Int32, path: String? = nil
    ) throws(SocketActivationError) {
        let result: Int32
        if let path {
            // Length 0 makes sd_is_socket_unix compare a NUL-terminated path name.
            result = sd_is_socket_unix(fd, Int32(SOCK_STREAM.rawValue), 1, path, 0)
        } else {
            result = sd_is_socket_unix(fd, Int32(SOCK_STREAM.rawValue), 1, nil, 0)
        }
        if result < 0 {
            throw .inspectionFailed(fd: fd, errno: -result)
        }
        if result == 0 {
            throw .notListeningUnixStream(fd: fd, path: path)
        }
    }

    /// The one listening `AF_UNIX` stream socket passed by systemd, or `nil` when the daemon was
    /// not socket-activated and must bind its socket itself.
    ///
    /// - Throws: ``SocketActivationError/unexpectedCount(_:)`` when several descriptors were
    ///   passed, and the errors of ``listenFileDescriptors(unsetEnvironment:)`` and
    ///   ``checkListeningUnixStream(_:path:)``.
    public static func listeningUnixSocket(path: String? = nil) throws(SocketActivationError) -> Int32? {
        let fds = try listenFileDescriptors(unsetEnvironment: true)
        guard let fd = fds.first else { return nil }
        guard fds.count == 1 else { throw .unexpectedCount(fds.count) }
        try checkListeningUnixStream(fd, path: path)
        return fd
    }
}
