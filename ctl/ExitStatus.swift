/// mosaicctl's exit statuses, as its `--help` documents them.
enum ExitStatus: Int32 {
    /// Success.
    case success = 0
    /// The job failed or was canceled, or an error with no status of its own.
    case failure = 1
    /// A bad option or value, here or as the daemon judged it (400, 413, 422).
    case usage = 2
    /// No daemon answers on the socket.
    case unreachable = 3
    /// No such job (404).
    case noSuchJob = 4
    /// The caller may not do that (403).
    case permissionDenied = 5
    /// The daemon is at a limit: too many queued jobs or event streams (429), too many
    /// connections (503); trying again later can succeed.
    case busy = 6
}
