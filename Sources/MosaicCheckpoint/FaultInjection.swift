// Fault injection for crash-consistency tests. A torture test SIGKILLs `mosaicd` at random
// moments; most moments fall inside a tile evaluation, and the interesting windows (between
// writing a checkpoint's temporary file and its rename, between the rename and the directory
// fsync, between a checkpoint and the job row's update) last microseconds. Named points make
// those windows as wide as the test wants, fail with a chosen errno (a full disk without
// filling a disk), or kill the process exactly there. Unset, a point costs one dictionary
// lookup on an empty dictionary.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Named points where a test can make Mosaic sleep, fail or crash.
///
/// Configured from `MOSAIC_FAULTS`, a comma-separated list of `point=action`:
/// `150ms`, `2s`, `500us` sleep; an errno name (`ENOSPC`, `EIO`, `EDQUOT`, `EROFS`, `EACCES`,
/// `EPERM`, `ENOMEM`) or `errno:N` fails the operation at that point; `crash` sends the process
/// SIGKILL. Example: `checkpoint.before-rename=150ms,checkpoint.write=ENOSPC`.
///
/// Points used by Mosaic: `checkpoint.write`, `checkpoint.after-write`,
/// `checkpoint.before-fsync`, `checkpoint.before-rename`, `checkpoint.before-dir-fsync`
/// (``CheckpointStore/write(_:parametersHash:plan:)``), `tile.evaluate` (before every tile
/// evaluation: `tile.evaluate=10s` makes built-in tiles as slow as Stable Diffusion's),
/// `decode.tile` (before each decode tile lands in the image); the daemon adds its own
/// (`decode.after-journal`, once a decode tile is journaled).
public struct FaultInjection: Sendable, Equatable {
    /// What happens when a point is reached.
    public enum Action: Sendable, Equatable {
        /// Sleep this many microseconds, then continue.
        case sleep(microseconds: Int)
        /// Fail the operation at the point with this errno.
        case fail(errno: Int32)
        /// Kill the process with SIGKILL.
        case crash
    }

    /// The configured actions, by point name.
    public let actions: [String: Action]

    /// No faults.
    public static let none = FaultInjection(actions: [:])

    /// The faults configured by this process's `MOSAIC_FAULTS` (none when unset). A malformed
    /// value is reported once on stderr and ignored; call ``init(specification:)`` to refuse it.
    public static let environment: FaultInjection = {
        guard let raw = getenv("MOSAIC_FAULTS") else { return .none }
        do {
            return try FaultInjection(specification: String(cString: raw))
        } catch {
            let line = Array("mosaic: ignoring MOSAIC_FAULTS: \(error)\n".utf8)
            _ = line.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
            return .none
        }
    }()

    /// Faults with explicit `actions`.
    public init(actions: [String: Action]) {
        self.actions = actions
    }

    /// Parses a `MOSAIC_FAULTS` value.
    public init(specification: String) throws(FaultInjectionError) {
        var actions: [String: Action] = [:]
        for item in specification.split(separator: ",") {
            let entry = item.trimmingSpaces
            guard !entry.isEmpty else { continue }
            let parts = entry.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, !parts[0].isEmpty else {
                throw .malformed(entry: entry, reason: "expected point=action")
            }
            guard let action = Self.parseAction(String(parts[1])) else {
                throw .malformed(
                    entry: entry,
                    reason:
                        "unknown action '\(parts[1])' (a duration like 150ms, an errno name like ENOSPC, errno:N, or crash)"
                )
            }
            actions[String(parts[0])] = action
        }
        self.actions = actions
    }

    /// Runs the action configured for `name` in this configuration: sleeps, throws the
    /// configured errno, or kills the process; does nothing when `name` is not configured.
    public func point(_ name: String) throws(InjectedFault) {
        guard let action = actions[name] else { return }
        switch action {
        case .sleep(let microseconds):
            var request = timespec(tv_sec: microseconds / 1_000_000, tv_nsec: (microseconds % 1_000_000) * 1000)
            var remaining = timespec()
            while nanosleep(&request, &remaining) != 0, errno == EINTR { request = remaining }
        case .fail(let code):
            throw InjectedFault(point: name, code: code)
        case .crash:
            kill(getpid(), SIGKILL)
        }
    }

    /// Runs the action that `MOSAIC_FAULTS` configures for `name` (see ``point(_:)``).
    public static func point(_ name: String) throws(InjectedFault) {
        try environment.point(name)
    }

    private static let errnoNames: [String: Int32] = [
        "ENOSPC": ENOSPC, "EIO": EIO, "EDQUOT": EDQUOT, "EROFS": EROFS, "EACCES": EACCES, "EPERM": EPERM,
        "ENOMEM": ENOMEM,
    ]

    private static func parseAction(_ text: String) -> Action? {
        if text == "crash" { return .crash }
        if let code = errnoNames[text] { return .fail(errno: code) }
        if text.hasPrefix("errno:"), let code = Int32(text.dropFirst(6)), code > 0 { return .fail(errno: code) }
        for (suffix, scale) in [("ms", 1000), ("us", 1), ("s", 1_000_000)] where text.hasSuffix(suffix) {
            guard let amount = Int(text.dropLast(suffix.count)), amount >= 0, amount <= Int.max / scale else {
                return nil
            }
            return .sleep(microseconds: amount * scale)
        }
        return nil
    }
}

/// A failure injected at a named point.
public struct InjectedFault: Error, Equatable, Sendable, CustomStringConvertible {
    /// The point that failed.
    public let point: String
    /// The errno it was configured to fail with.
    public let code: Int32

    /// A one-line explanation naming what is wrong.
    /// "injected <strerror> at <point>".
    public var description: String { "injected \(String(cString: strerror(code))) at \(point)" }
}

/// A `MOSAIC_FAULTS` value that could not be parsed.
public enum FaultInjectionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `entry` is malformed for `reason`.
    case malformed(entry: String, reason: String)

    /// A one-line explanation naming what is wrong.
    public var description: String {
        switch self {
        case .malformed(let entry, let reason): return "'\(entry)': \(reason)"
        }
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
