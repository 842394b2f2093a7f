import Foundation

/// Where the daemon keeps its state and how it serves.
///
/// Values come from, in increasing precedence: built-in defaults, `$STATE_DIRECTORY` (set by
/// systemd's `StateDirectory=`), the optional config file, and command-line options.
public struct DaemonConfiguration: Sendable, Equatable {
    /// Holds `mosaic.sqlite`, `outputs/` and `checkpoints/`.
    public var stateDirectory: String
    /// The API socket.
    public var socketPath: String
    /// Render worker threads.
    public var threads: Int
    /// Where model folders live.
    public var modelsDirectory: String?
    /// Members of this group may modify every job.
    public var adminGroup: String?
    /// The socket's group when the daemon binds it itself.
    public var socketGroup: String?
    /// A job resumed this many times at one step without getting further is failed.
    public var maxStalledResumes: Int = 3

    /// The default socket path.
    public static let defaultSocketPath = "/run/mosaic/mosaicd.sock"

    /// The defaults, honouring `$STATE_DIRECTORY`.
    public static func defaults(environment: [String: String] = ProcessInfo.processInfo.environment) -> DaemonConfiguration {
        let state = environment["STATE_DIRECTORY"]?.split(separator: ":").first.map(String.init) ?? "/var/lib/mosaic"
        return DaemonConfiguration(
            stateDirectory: state, socketPath: defaultSocketPath,
            threads: ProcessInfo.processInfo.activeProcessorCount, modelsDirectory: nil, adminGroup: nil, socketGroup: nil)
    }

    /// Applies a config file of `key = value` lines (`#` starts a comment). Keys: state_dir,
    /// socket, threads, models, admin_group, socket_group,
    /// max_stalled_resumes.
    public mutating func apply(configFile path: String) throws(DaemonError) {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw .configuration("cannot read \(path)")
        }
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first?
                .trimmingCharacters(in: .whitespaces) ?? ""
            if line.isEmpty { continue }
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[1].isEmpty else {
                throw .configuration("\(path):\(number + 1): expected 'key = value'")
            }
            let value = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            switch parts[0] {
            case "state_dir": stateDirectory = value
            case "socket": socketPath = value
            case "threads":
                guard let n = Int(value), (1...1024).contains(n) else {
                    throw .configuration("\(path):\(number + 1): threads must be in 1...1024")
                }
                threads = n
            case "models": modelsDirectory = value
            case "admin_group": adminGroup = value
            case "socket_group": socketGroup = value
            case "max_stalled_resumes":
                guard let n = Int(value), n >= 1 else {
                    throw .configuration("\(path):\(number + 1): max_stalled_resumes must be at least 1")
                }
                maxStalledResumes = n
            default: throw .configuration("\(path):\(number + 1): unknown key '\(parts[0])'")
            }
        }
    }
}
