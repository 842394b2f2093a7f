import Testing

/// Tests that set `NOTIFY_SOCKET`, `WATCHDOG_*` or `LISTEN_*`. Each changes the environment
/// only inside a ``ForkedChild``; the suite is serialized as well, so no two of them fork at
/// once and their children stay easy to tell apart when one fails.
@Suite(.serialized)
struct SystemdEnvironmentTests {}
