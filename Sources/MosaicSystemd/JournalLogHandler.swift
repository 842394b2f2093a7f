import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// A swift-log handler for a daemon whose stderr goes to journald: one line per message,
/// starting with the syslog priority prefix of sd-daemon(3) (`<3>` error ... `<7>` debug),
/// which journald turns into the entry's `PRIORITY=` (so `journalctl -p warning` works).
///
/// Lines look like `<6>mosaicd.worker: tile done JOB_ID=42 step=7 tile="3 of 16"`: the `job`
/// metadata key comes first as `JOB_ID=`, the other keys follow sorted. Install it with
/// `LoggingSystem.bootstrap { JournalLogHandler(label: $0, metadataProvider: $1) }`.
public struct JournalLogHandler: LogHandler {
    /// The logger's label, printed before each message (for example `mosaicd.worker`).
    public let label: String
    /// The lowest level that is written; `Logger` filters before calling the handler.
    public var logLevel: Logger.Level
    /// Metadata attached to every message of this handler (a value: copies do not share it).
    public var metadata: Logger.Metadata = [:]
    /// Adds contextual metadata (for example task-local job ids) to every message.
    public var metadataProvider: Logger.MetadataProvider?
    private let fileDescriptor: Int32

    /// Creates a handler writing to `fileDescriptor` (stderr unless a test passes a pipe).
    public init(
        label: String,
        metadataProvider: Logger.MetadataProvider? = nil,
        logLevel: Logger.Level = .info,
        fileDescriptor: Int32 = STDERR_FILENO
    ) {
        self.label = label
        self.metadataProvider = metadataProvider
        self.logLevel = logLevel
        self.fileDescriptor = fileDescriptor
    }

    /// Reads or writes one metadata value of this handler.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Formats the event as one line and writes it with a single write(2).
    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() {
            merged.merge(provided) { _, new in new }
        }
        if let own = event.metadata {
            merged.merge(own) { _, new in new }
        }
        if let error = event.error {
            merged["error"] = .string("\(error)")
        }
        let line = JournalLineFormat.line(
            level: event.level, label: label, message: event.message.description, metadata: merged)
        JournalLineWriter.write(line, to: fileDescriptor)
    }
}
