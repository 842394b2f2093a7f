import Testing

@testable import MosaicSystemd

#if canImport(Glibc)
    import Glibc
#endif

extension SystemdEnvironmentTests {
    @Test func notificationsArriveOnNotifySocketVerbatim() throws {
        let sockets = try TestSockets()
        defer { sockets.close() }
        let (fd, path) = try sockets.bound("notify", type: SOCK_DGRAM, listening: false)
        let failure = ForkedChild.run {
            ChildEnvironment.set("NOTIFY_SOCKET", path)
            let notifier = SystemdNotifier()
            guard notifier.isEnabled else { return "isEnabled is false with NOTIFY_SOCKET set" }
            guard notifier.ready() else { return "ready() returned false" }
            // The newline must not turn into a second assignment.
            guard notifier.status("rendering job 7\nREADY=1") else { return "status() returned false" }
            guard notifier.watchdog() else { return "watchdog() returned false" }
            guard notifier.stopping() else { return "stopping() returned false" }
            guard notifier.extendTimeout(by: .milliseconds(90_500)) else { return "extendTimeout returned false" }
            return nil
        }
        #expect(failure == nil)
        #expect(
            sockets.datagrams(on: fd) == [
                "READY=1", "STATUS=rendering job 7 READY=1", "WATCHDOG=1", "STOPPING=1", "EXTEND_TIMEOUT_USEC=90500000",
            ])
    }

    @Test func reloadingSendsMonotonicTimestamp() throws {
        let sockets = try TestSockets()
        defer { sockets.close() }
        let (fd, path) = try sockets.bound("notify", type: SOCK_DGRAM, listening: false)
        var before = timespec()
        clock_gettime(CLOCK_MONOTONIC, &before)
        let failure = ForkedChild.run {
            ChildEnvironment.set("NOTIFY_SOCKET", path)
            return SystemdNotifier().reloading() ? nil : "reloading() returned false"
        }
        #expect(failure == nil)
        let messages = sockets.datagrams(on: fd)
        try #require(messages.count == 1)
        let lines = messages[0].split(separator: "\n")
        #expect(lines.first == "RELOADING=1")
        let usec = lines.last.flatMap { UInt64($0.dropFirst("MONOTONIC_USEC=".count)) }
        let beforeUsec = UInt64(before.tv_sec) * 1_000_000 + UInt64(before.tv_nsec) / 1_000
        #expect(lines.last?.hasPrefix("MONOTONIC_USEC=") == true)
        #expect((usec ?? 0) >= beforeUsec)
    }

    @Test func withoutNotifySocketEveryCallIsANoOp() {
        let failure = ForkedChild.run {
            ChildEnvironment.set("NOTIFY_SOCKET", nil)
            let notifier = SystemdNotifier()
            if notifier.isEnabled { return "isEnabled is true without NOTIFY_SOCKET" }
            if notifier.ready() || notifier.status("x") || notifier.watchdog() || notifier.stopping() {
                return "a notification claimed success without NOTIFY_SOCKET"
            }
            do {
                if try notifier.send("READY=1") { return "send returned true without NOTIFY_SOCKET" }
            } catch {
                return "send threw without NOTIFY_SOCKET: \(error)"
            }
            return nil
        }
        #expect(failure == nil)
    }

    @Test func unreachableNotifySocketThrowsWithErrno() throws {
        let sockets = try TestSockets()
        defer { sockets.close() }
        let missing = sockets.directory + "/missing"
        let failure = ForkedChild.run {
            ChildEnvironment.set("NOTIFY_SOCKET", missing)
            let notifier = SystemdNotifier()
            if notifier.ready() { return "ready() returned true for a missing socket" }
            do throws(SystemdNotifierError) {
                _ = try notifier.send("READY=1")
                return "send did not throw for a missing socket"
            } catch {
                let expected = SystemdNotifierError.sendFailed(state: "READY=1", errno: ENOENT)
                return error == expected ? nil : "unexpected error: \(error)"
            }
        }
        #expect(failure == nil)
    }
}
