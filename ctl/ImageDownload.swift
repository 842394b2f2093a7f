import Foundation

/// Writes downloaded image bytes to `-o FILE` (or stdout for `-`), checked before the download.
struct ImageDownload {
    /// The path given with `-o`.
    let path: String

    /// Refuses a destination that cannot be written before asking the daemon for anything.
    func check() throws {
        guard path != "-" else { return }
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let directory = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw CtlError(.usage, "output \(url.path) is a directory")
        }
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CtlError(.usage, "output directory \(directory) does not exist")
        }
        guard access(directory, W_OK) == 0 else {
            throw CtlError(.usage, "output directory \(directory) is not writable")
        }
    }

    /// Writes the bytes; a file appears whole or not at all.
    func write(_ bytes: [UInt8]) throws {
        if path == "-" {
            FileHandle.standardOutput.write(Data(bytes))
            return
        }
        do { try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw CtlError(.failure, "cannot write \(path): \(error.localizedDescription)")
        }
    }
}
