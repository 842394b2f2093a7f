import Foundation

/// How much more memory the daemon's control groups let it use: a `MemoryMax=` on the unit or a
/// container's limit binds before the machine's free memory does.
///
/// cgroup v2 (`0::/path` in `/proc/self/cgroup`): the least `memory.max - memory.current` over the
/// group and its ancestors. cgroup v1 (a `memory` controller line): `memory.limit_in_bytes -
/// memory.usage_in_bytes` of the group. Nil when no limit is set or nothing is readable.
enum CgroupMemory {
    /// The headroom in bytes, reading `/proc/self/cgroup` and the files under `root`.
    static func headroom(selfCgroup: String = "/proc/self/cgroup", root: String = "/sys/fs/cgroup") -> Int? {
        guard let text = try? String(contentsOfFile: selfCgroup, encoding: .utf8) else { return nil }
        var best: Int?
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            let path = String(fields[2])
            if fields[0] == "0", fields[1].isEmpty {
                best = min(best, v2Headroom(path: path, root: root))
            } else if fields[1].split(separator: ",").contains("memory") {
                best = min(
                    best, pair(root + "/memory" + path, limit: "memory.limit_in_bytes", usage: "memory.usage_in_bytes"))
            }
        }
        return best
    }

    /// The least headroom over `path` and its ancestors below `root`.
    static func v2Headroom(path: String, root: String) -> Int? {
        var best: Int?
        var components = path.split(separator: "/").map(String.init)
        while true {
            let directory = root + (components.isEmpty ? "" : "/" + components.joined(separator: "/"))
            best = min(best, pair(directory, limit: "memory.max", usage: "memory.current"))
            guard !components.isEmpty else { return best }
            components.removeLast()
        }
    }

    /// `limit - usage` from two files of `directory`; nil when either is missing or the limit is
    /// `max` or absurdly large (cgroup v1 writes "no limit" as about 2^63).
    static func pair(_ directory: String, limit: String, usage: String) -> Int? {
        func read(_ name: String) -> Int? {
            (try? String(contentsOfFile: directory + "/" + name, encoding: .utf8))
                .flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
        guard let max = read(limit), max < 1 << 60, let used = read(usage) else { return nil }
        return Swift.max(0, max - used)
    }

    private static func min(_ a: Int?, _ b: Int?) -> Int? {
        switch (a, b) {
        case (let a?, let b?): Swift.min(a, b)
        case (let a?, nil): a
        case (nil, let b): b
        }
    }
}
