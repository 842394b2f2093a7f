import Foundation

/// Where output goes and what it looks like: terminals get bars and fitted tables.
enum Terminal {
    /// Whether stderr is a terminal (progress bars are drawn there).
    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// The width of the terminal on stdout, or nil when stdout is not one.
    static var stdoutColumns: Int? {
        guard isatty(STDOUT_FILENO) == 1 else { return nil }
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init) ?? 100
    }

    /// One line on stdout, flushed at once so pipes see events as they happen.
    static func print(_ line: String) {
        Swift.print(line)
        fflush(nil)
    }

    /// Text on stderr as is (progress redraws).
    static func writeError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// One error line on stderr: `mosaicctl: message`.
    static func printError(_ message: String) {
        fflush(nil)  // keep stdout and stderr in the order they were written
        writeError("mosaicctl: \(message)\n")
    }
}
