import Foundation
import Synchronization

/// Kills the running child (a daemon, a reference render) when the tool itself is stopped
/// (SIGINT, SIGTERM, SIGHUP), so a canceled CI job or a Ctrl-C leaves no mosaicd behind
/// rendering into a temporary directory.
public enum DaemonReaper {
    /// The running child's pid, 0 when none: read by the signal handler, which may only make
    /// async-signal-safe calls (an atomic load, kill, _exit).
    public static let pid = Atomic<Int32>(0)

    /// Installs the handlers; call once, before the first daemon starts.
    public static func install() {
        pid.store(0, ordering: .relaxed)  // initialises the static before any signal can read it
        for number in [SIGINT, SIGTERM, SIGHUP] {
            signal(number) { received in
                let daemon = DaemonReaper.pid.load(ordering: .relaxed)
                if daemon > 0 { kill(daemon, SIGKILL) }
                _exit(128 + received)
            }
        }
    }
}
