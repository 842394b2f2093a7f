// Whole-file reads and crash-safe writes. A render can take a minute; a reader (a web server,
// the seam tool) must never observe a half-written WebP, and a power cut must leave either
// the old file or the new one. Hence: write a temporary file in the destination directory
// (rename is only atomic within one file system), fsync it, rename it over the target, then
// fsync the directory so the rename itself is durable.
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads whole files and replaces files atomically.
public enum BinaryFile {
    /// Atomically replaces (or creates) `path` with `bytes`.
    ///
    /// Writes `.<name>.tmp-<pid>-<random>` next to `path`, fsyncs it, renames it onto `path`
    /// and fsyncs the directory. On failure before the rename the temporary file is removed
    /// and any existing file at `path` is left untouched. The file gets mode 0644 minus umask.
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws(FileError) {
        let (directory, name) = split(path)
        let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        let temporary = "\(directory)/.\(name).tmp-\(getpid())-\(suffix)"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileError(operation: "open", path: temporary, code: errno) }
        do throws(FileError) {
            try writeFully(bytes, to: fd, path: temporary)
            guard fsync(fd) == 0 else { throw FileError(operation: "fsync", path: temporary, code: errno) }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        guard close(fd) == 0 else {
            let code = errno
            unlink(temporary)
            throw FileError(operation: "close", path: temporary, code: code)
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw FileError(operation: "rename", path: path, code: code)
        }
        try syncDirectory(directory)
    }

    /// Reads the whole file at `path`.
    public static func contents(of path: String) throws(FileError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError(operation: "open", path: path, code: errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw FileError(operation: "fstat", path: path, code: errno) }
        let size = Int(info.st_size)
        var failure: FileError?
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            count = 0
            while count < size {
                let got = read(fd, buffer.baseAddress.map { $0 + count }, size - count)
                if got > 0 {
                    count += got
                } else if got == 0 {
                    failure = FileError(operation: "read (file shrank)", path: path, code: EIO)
                    return
                } else if errno != EINTR {
                    failure = FileError(operation: "read", path: path, code: errno)
                    return
                }
            }
        }
        if let failure { throw failure }
        return bytes
    }

    /// Writes every byte, retrying short writes and EINTR.
    private static func writeFully(_ bytes: [UInt8], to fd: Int32, path: String) throws(FileError) {
        var failure: FileError?
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(fd, raw.baseAddress.map { $0 + offset }, raw.count - offset)
                if written >= 0 {
                    offset += written
                } else if errno != EINTR {
                    failure = FileError(operation: "write", path: path, code: errno)
                    return
                }
            }
        }
        if let failure { throw failure }
    }

    /// Makes the rename durable. Some file systems cannot fsync a directory (EINVAL); the
    /// rename has still happened there, so that case is not an error.
    private static func syncDirectory(_ directory: String) throws(FileError) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError(operation: "open directory", path: directory, code: errno) }
        defer { close(fd) }
        if fsync(fd) != 0, errno != EINVAL {
            throw FileError(operation: "fsync directory", path: directory, code: errno)
        }
    }

    /// Splits a path into its directory ("." when there is none) and its last component.
    static func split(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let directory = String(path[..<slash])
        return (directory.isEmpty ? "/" : directory, String(path[path.index(after: slash)...]))
    }
}
