#if canImport(Glibc)
    import Glibc
#endif

extension JournalLogHandler {
    /// Whether stderr is connected to journald, per `JOURNAL_STREAM` (systemd.exec(5)).
    ///
    /// systemd sets `JOURNAL_STREAM=<device>:<inode>` for the stream it connects; comparing it
    /// with stderr's own device and inode tells a daemon running under systemd from the same
    /// binary run in a terminal (or with stderr redirected), where `<6>` prefixes are noise.
    public static var isStandardErrorJournal: Bool {
        guard let raw = getenv("JOURNAL_STREAM") else { return false }
        return streamMatches(String(cString: raw), fileDescriptor: STDERR_FILENO)
    }

    /// Whether `value` (`"<device>:<inode>"` in decimal) names the file open at `fileDescriptor`.
    static func streamMatches(_ value: String, fileDescriptor: Int32) -> Bool {
        let parts = value.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else {
            return false
        }
        var info = stat()
        guard fstat(fileDescriptor, &info) == 0 else { return false }
        return UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode
    }
}
