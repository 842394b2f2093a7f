import Testing

@testable import MosaicSystemd

#if canImport(Glibc)
    import Glibc
#endif

extension SystemdEnvironmentTests {
    @Test func listeningSocketOnDescriptor3IsFound() throws {
        let sockets = try TestSockets()
        defer { sockets.close() }
        let (listener, path) = try sockets.bound("api.sock", type: SOCK_STREAM, listening: true)
        let failure = ForkedChild.run {
            // As systemd does: the socket on fd 3, LISTEN_PID naming the process itself.
            guard dup2(listener, 3) == 3 else { return "dup2 failed: errno \(errno)" }
            ChildEnvironment.set("LISTEN_FDS", "1")
            ChildEnvironment.set("LISTEN_PID", "\(getpid())")
            do {
                let fds = try SocketActivation.listenFileDescriptors()
                guard fds == [3] else { return "listenFileDescriptors() is \(fds)" }
                try SocketActivation.checkListeningUnixStream(3, path: path)
                guard fcntl(3, F_GETFD) & FD_CLOEXEC != 0 else { return "fd 3 lacks FD_CLOEXEC" }
                guard try SocketActivation.listeningUnixSocket(path: path) == 3 else { return "not fd 3" }
                // listeningUnixSocket unsets LISTEN_*, so children of the daemon see nothing.
                guard try SocketActivation.listenFileDescriptors().isEmpty else { return "LISTEN_* not unset" }
            } catch {
                return "unexpected error: \(error)"
            }
            return nil
        }
        #expect(failure == nil)
    }

    @Test func socketsForAnotherProcessAreIgnored() {
        let failure = ForkedChild.run {
            ChildEnvironment.set("LISTEN_FDS", "1")
            ChildEnvironment.set("LISTEN_PID", "\(getppid())")
            let fds = try? SocketActivation.listenFileDescriptors()
            guard fds == [] else { return "listenFileDescriptors() is \(String(describing: fds))" }
            ChildEnvironment.set("LISTEN_PID", nil)
            guard (try? SocketActivation.listeningUnixSocket()) == .some(nil) else {
                return "not nil without LISTEN_PID"
            }
            return nil
        }
        #expect(failure == nil)
    }

    @Test func malformedOrClosedDescriptorsThrow() {
        let failure = ForkedChild.run {
            ChildEnvironment.set("LISTEN_PID", "\(getpid())")
            ChildEnvironment.set("LISTEN_FDS", "two")
            do throws(SocketActivationError) {
                _ = try SocketActivation.listenFileDescriptors()
                return "malformed LISTEN_FDS accepted"
            } catch {
                guard case .listenFDsFailed(EINVAL) = error else { return "unexpected error: \(error)" }
            }
            // Two descriptors announced, neither open.
            close(3)
            close(4)
            ChildEnvironment.set("LISTEN_FDS", "2")
            do throws(SocketActivationError) {
                _ = try SocketActivation.listenFileDescriptors()
                return "closed descriptors accepted"
            } catch {
                guard case .listenFDsFailed(EBADF) = error else { return "unexpected error: \(error)" }
            }
            return nil
        }
        #expect(failure == nil)
    }

    @Test func datagramSocketOnDescriptor3IsRejected() throws {
        let sockets = try TestSockets()
        defer { sockets.close() }
        let (datagram, _) = try sockets.bound("dgram.sock", type: SOCK_DGRAM, listening: false)
        let failure = ForkedChild.run {
            guard dup2(datagram, 3) == 3 else { return "dup2 failed: errno \(errno)" }
            ChildEnvironment.set("LISTEN_FDS", "1")
            ChildEnvironment.set("LISTEN_PID", "\(getpid())")
            do throws(SocketActivationError) {
                _ = try SocketActivation.listeningUnixSocket()
                return "a datagram socket was accepted"
            } catch {
                return error == .notListeningUnixStream(fd: 3, path: nil) ? nil : "unexpected error: \(error)"
            }
        }
        #expect(failure == nil)
    }
}

/// Checks of single descriptors: no environment involved, so they run in the test process.
@Suite struct SocketCheckTests {
    @Test func listeningUnixStreamPasses() throws {
        let sockets = try TestSockets()
        defer { sockets.close() }
        let (fd, path) = try sockets.bound("api.sock", type: SOCK_STREAM, listening: true)
        try SocketActivation.checkListeningUnixStream(fd)
        try SocketActivation.checkListeningUnixStream(fd, path: path)
        #expect(throws: SocketActivationError.notListeningUnixStream(fd: fd, path: "/run/other.sock")) {
            try SocketActivation.checkListeningUnixStream(fd, path: "/run/other.sock")
        }
    }

    @Test func otherDescriptorsAreRejected() throws {
        let sockets = try TestSockets()
        defer { sockets.close() }
        let (bound, _) = try sockets.bound("idle.sock", type: SOCK_STREAM, listening: false)
        let (datagram, _) = try sockets.bound("dgram.sock", type: SOCK_DGRAM, listening: false)
        let unbound = try sockets.unbound(type: SOCK_STREAM)
        let devNull = open("/dev/null", O_RDONLY | O_CLOEXEC)
        defer { close(devNull) }
        for fd in [bound, datagram, unbound, devNull] {
            #expect(throws: SocketActivationError.notListeningUnixStream(fd: fd, path: nil)) {
                try SocketActivation.checkListeningUnixStream(fd)
            }
        }
        #expect(throws: SocketActivationError.inspectionFailed(fd: -1, errno: EBADF)) {
            try SocketActivation.checkListeningUnixStream(-1)
        }
    }

    @Test func errorsNameTheDescriptorAndTheFix() {
        let error = SocketActivationError.notListeningUnixStream(fd: 3, path: "/run/mosaic/mosaicd.sock")
        #expect(error.description.contains("descriptor 3"))
        #expect(error.description.contains("ListenStream="))
        #expect(SocketActivationError.inspectionFailed(fd: 9, errno: EBADF).description.contains("Bad file descriptor"))
    }
}
