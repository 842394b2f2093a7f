import Logging

/// The text of one journal line; pure, so tests check it without a file descriptor.
enum JournalLineFormat {
    /// The metadata key printed first, as `JOB_ID=`, so `journalctl | grep JOB_ID=42` finds a
    /// job's whole history.
    static let jobKey = "job"

    /// The sd-daemon(3) priority of a swift-log level (`SD_ERR` is 3, `SD_DEBUG` is 7).
    static func priority(of level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: return 7
        case .info: return 6
        case .notice: return 5
        case .warning: return 4
        case .error: return 3
        case .critical: return 2
        }
    }

    /// `<P>label: message JOB_ID=... key=value ...` followed by a newline.
    ///
    /// Newlines inside the message or values are escaped: journald starts a new entry at each
    /// newline, and the continuation would lose its priority prefix.
    static func line(level: Logger.Level, label: String, message: String, metadata: Logger.Metadata) -> String {
        var line = "<\(priority(of: level))>\(label): \(escapeControlCharacters(message))"
        if let job = metadata[jobKey] {
            line += " JOB_ID=\(quoted(job.description))"
        }
        for key in metadata.keys.sorted() where key != jobKey {
            if let value = metadata[key] {
                line += " \(key)=\(quoted(value.description))"
            }
        }
        line += "\n"
        return line
    }

    /// A value as logfmt writes it: bare when it is one plain word, else in double quotes
    /// with `"` and `\` escaped (before control characters, whose escapes add backslashes).
    static func quoted(_ value: String) -> String {
        let plain =
            !value.isEmpty
            && !value.unicodeScalars.contains {
                $0 == " " || $0 == "\"" || $0 == "=" || $0 == "\\" || $0.properties.generalCategory == .control
            }
        guard !plain else { return value }
        var text = ""
        for character in value {
            if character == "\"" || character == "\\" { text.append("\\") }
            text.append(character)
        }
        return "\"" + escapeControlCharacters(text) + "\""
    }

    /// Replaces newlines, tabs and other control characters with visible escapes.
    static func escapeControlCharacters(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            return text
        }
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.properties.generalCategory == .control {
                    result += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }
}
