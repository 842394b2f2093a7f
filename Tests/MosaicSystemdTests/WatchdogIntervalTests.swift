import Testing

@testable import MosaicSystemd

#if canImport(Glibc)
    import Glibc
#endif

extension SystemdEnvironmentTests {
    /// `WATCHDOG_USEC`, `WATCHDOG_PID` (nil: unset, "self": the child's own pid, "parent":
    /// another process) and the expected ping period.
    @Test(
        arguments: [
            ("60000000", nil, Duration?.some(.seconds(30))),
            ("60000000", "self", .seconds(30)),
            ("3", "self", .microseconds(1)),
            ("60000000", "parent", nil),
            (nil, nil, nil),
            ("0", nil, nil),
            ("sixty", nil, nil),
        ] as [(String?, String?, Duration?)])
    func watchdogIntervalIsHalfOfWatchdogUsec(usec: String?, pid: String?, expected: Duration?) {
        let failure = ForkedChild.run {
            ChildEnvironment.set("WATCHDOG_USEC", usec)
            switch pid {
            case "self": ChildEnvironment.set("WATCHDOG_PID", "\(getpid())")
            case "parent": ChildEnvironment.set("WATCHDOG_PID", "\(getppid())")
            default: ChildEnvironment.set("WATCHDOG_PID", nil)
            }
            let interval = SystemdNotifier().watchdogInterval
            return interval == expected ? nil : "watchdogInterval is \(String(describing: interval))"
        }
        #expect(failure == nil)
    }
}
