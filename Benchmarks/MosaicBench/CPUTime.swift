import Foundation

/// CPU time (user + system) of this process and of another, to tell the daemon's share of the
/// cores from the load generator's when both run on one machine.
enum CPUTime {
    /// Seconds of CPU this process has used (every thread), from getrusage.
    static func ownSeconds() -> Double {
        var usage = rusage()
        guard getrusage(Int32(RUSAGE_SELF.rawValue), &usage) == 0 else { return 0 }
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// CPU time (user + system) of the calling thread so far, in nanoseconds.
    static func callingThreadNanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    /// Seconds of CPU process `pid` has used (utime + stime of /proc/PID/stat), or nil.
    static func seconds(of pid: Int32) -> Double? { seconds(statPath: "/proc/\(pid)/stat") }

    /// Seconds of CPU of each live thread of `pid` by thread id, leaving out the threads whose
    /// name starts with one of `excludingPrefixes`; nil if /proc cannot be read.
    static func threadSeconds(of pid: Int32, excludingPrefixes: [String]) -> [Int32: Double]? {
        guard let tids = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task") else { return nil }
        var result: [Int32: Double] = [:]
        for tid in tids.compactMap({ Int32($0) }) {
            let name = (try? String(contentsOfFile: "/proc/\(pid)/task/\(tid)/comm", encoding: .utf8)) ?? ""
            guard !excludingPrefixes.contains(where: { name.hasPrefix($0) }) else { continue }
            result[tid] = seconds(statPath: "/proc/\(pid)/task/\(tid)/stat")
        }
        return result
    }

    private static func seconds(statPath: String) -> Double? {
        guard let stat = try? String(contentsOfFile: statPath, encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        // After the name: field 3 (state) first; utime and stime are fields 14 and 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
