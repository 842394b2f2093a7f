import Foundation

/// What the machine has left: available memory and the free disk of a directory.
public enum MachineResources {
    /// Memory available to a new render, in bytes.
    ///
    /// `MemAvailable` from `/proc/meminfo` when readable (it counts reclaimable page cache);
    /// under systemd's `ProcSubset=pid` that file is hidden, and sysinfo(2)'s free memory is
    /// used instead (`sysconf(_SC_AVPHYS_PAGES)`, which glibc answers from sysinfo), which
    /// leaves the page cache out and so errs on the safe side. Either is capped by the headroom
    /// of the daemon's control groups (`MemoryMax=`, a container's limit).
    public static func availableMemory() -> Int {
        let machine = machineAvailableMemory()
        guard let headroom = CgroupMemory.headroom() else { return machine }
        return min(machine, headroom)
    }

    /// The machine's available memory, ignoring control groups.
    static func machineAvailableMemory() -> Int {
        if let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("MemAvailable:") })
        {
            let fields = line.split(separator: " ")
            if fields.count >= 2, let kib = Int(fields[1]) { return kib * 1024 }
        }
        let pages = sysconf(Int32(_SC_AVPHYS_PAGES))
        let size = sysconf(Int32(_SC_PAGESIZE))
        guard pages > 0, size > 0 else { return 0 }
        return pages * size
    }

    /// Bytes an unprivileged process may still write on the file system holding `path`.
    public static func freeDisk(at path: String) -> Int {
        var stats = statvfs()
        guard statvfs(path, &stats) == 0 else { return 0 }
        return Int(stats.f_bavail) * Int(stats.f_frsize)
    }
}
