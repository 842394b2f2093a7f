import Foundation

extension DaemonConfiguration {
    /// Every config-file key, in the order `mosaicd serve --help` lists them.
    public static let keys = [
        "state_dir", "socket", "threads", "models", "admin_group", "socket_group", "max_stalled_resumes",
        "max_job_memory", "max_job_disk", "max_queued_jobs", "max_queued_jobs_per_user", "read_timeout",
        "idle_timeout", "max_connections", "max_event_streams", "read_others_jobs",
        "render_nice", "max_upload_bytes", "max_image_pixels",
    ]

    /// Applies a config file of `key = value` lines (`#` starts a comment); see `keys`.
    public mutating func apply(configFile path: String) throws(DaemonError) {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw .configuration("cannot read \(path)")
        }
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line =
                raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first?
                .trimmingCharacters(in: .whitespaces) ?? ""
            if line.isEmpty { continue }
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[1].isEmpty else {
                throw .configuration("\(path):\(number + 1): expected 'key = value'")
            }
            let value = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            do {
                try set(parts[0], to: value)
            } catch {
                throw .configuration("\(path):\(number + 1): \(error.reason)")
            }
        }
    }

    /// Sets one key from its text (a config-file line or a command-line option), checking its range.
    public mutating func set(_ key: String, to value: String) throws(ConfigurationValueError) {
        func integer(_ range: ClosedRange<Int>) throws(ConfigurationValueError) -> Int {
            guard let n = Int(value), range.contains(n) else {
                throw ConfigurationValueError(
                    reason: "\(key) must be an integer in \(range.lowerBound)...\(range.upperBound), not '\(value)'")
            }
            return n
        }
        func seconds() throws(ConfigurationValueError) -> Double {
            guard let s = Double(value), s.isFinite, s > 0, s <= 86_400 else {
                throw ConfigurationValueError(reason: "\(key) must be seconds in (0, 86400], not '\(value)'")
            }
            return s
        }
        func budget() throws(ConfigurationValueError) -> ByteBudget {
            guard let budget = ByteBudget(parsing: value) else {
                throw ConfigurationValueError(
                    reason: "\(key) must be a size (8G, 512M, bytes) or a percentage (75%), not '\(value)'")
            }
            return budget
        }
        switch key {
        case "state_dir": stateDirectory = value
        case "socket": socketPath = value
        case "threads": threads = try integer(1...1024)
        case "models": modelsDirectory = value
        case "admin_group": adminGroup = value
        case "socket_group": socketGroup = value
        case "max_stalled_resumes": maxStalledResumes = try integer(1...1_000_000)
        case "max_job_memory": maxJobMemory = try budget()
        case "max_job_disk": maxJobDisk = try budget()
        case "max_queued_jobs": maxQueuedJobs = try integer(1...100_000_000)
        case "max_queued_jobs_per_user": maxQueuedJobsPerUser = try integer(1...100_000_000)
        case "read_timeout": readTimeout = try seconds()
        case "idle_timeout": idleTimeout = try seconds()
        case "max_connections": maxConnections = try integer(1...100_000)
        case "max_event_streams": maxEventStreams = try integer(0...100_000)
        case "render_nice": renderNice = try integer(0...19)
        case "max_upload_bytes":
            guard case .bytes(let bytes)? = ByteBudget(parsing: value), bytes >= 1024 else {
                throw ConfigurationValueError(
                    reason: "max_upload_bytes must be a size of at least 1K (256M, 1G, bytes), not '\(value)'")
            }
            maxUploadBytes = bytes
        case "max_image_pixels": maxImagePixels = try integer(1...(1 << 40))
        case "read_others_jobs":
            switch value.lowercased() {
            case "true", "yes", "1": readOthersJobs = true
            case "false", "no", "0": readOthersJobs = false
            default: throw ConfigurationValueError(reason: "read_others_jobs must be true or false, not '\(value)'")
            }
        default:
            throw ConfigurationValueError(reason: "unknown key '\(key)' (known: \(Self.keys.joined(separator: ", ")))")
        }
    }
}
