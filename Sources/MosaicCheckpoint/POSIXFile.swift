// The system calls behind checkpoints and tile journals, each failure a FileError naming the
// operation, the path and errno. Kept in one place so that the disk-full test can drive the
// very helper that writes checkpoints against /dev/full.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Thin, checked wrappers over the POSIX file calls that checkpoints need.
enum POSIXFile {
    /// Opens `path` with `flags` (plus `O_CLOEXEC`) and `mode`, retrying EINTR.
    static func openFile(_ path: String, flags: Int32, mode: mode_t = 0o644) throws(FileError) -> Int32 {
        while true {
            let fd = open(path, flags | O_CLOEXEC, mode)
            if fd >= 0 { return fd }
            if errno != EINTR { throw FileError(operation: "open", path: path, code: errno) }
        }
    }

    /// Closes `fd`, ignoring errors (used on paths that already report another failure, and for
    /// descriptors only read from or whose data was already synced).
    static func closeFile(_ fd: Int32) {
        _ = close(fd)
    }

    /// Writes every byte of `bytes` to `fd`, retrying short writes and EINTR.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(FileError) {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let written = write(fd, base + offset, bytes.count - offset)
            if written > 0 {
                offset += written
            } else if written == 0 {
                // write(2) returns 0 only for a zero-length request; treat it as "no space" rather
                // than spinning.
                throw FileError(operation: "write", path: path, code: ENOSPC)
            } else if errno != EINTR {
                throw FileError(operation: "write", path: path, code: errno)
            }
        }
    }

    /// Writes `first` then `second` to `fd` at byte `offset` with pwritev(2), retrying short writes.
    static func writeAll(
        _ fd: Int32, _ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer, at offset: Int, path: String
    ) throws(FileError) {
        var parts = [first, second].filter { !$0.isEmpty }
        var position = offset
        while !parts.isEmpty {
            var vectors = parts.map {
                iovec(iov_base: UnsafeMutableRawPointer(mutating: $0.baseAddress), iov_len: $0.count)
            }
            let written = pwritev(fd, &vectors, Int32(vectors.count), off_t(position))
            if written < 0 {
                if errno == EINTR { continue }
                throw FileError(operation: "write", path: path, code: errno)
            }
            // A zero-byte result for a non-empty request means no space, as in the one-part writer.
            guard written > 0 else { throw FileError(operation: "write", path: path, code: ENOSPC) }
            position += written
            var remaining = written
            while remaining > 0, let part = parts.first {
                if remaining >= part.count {
                    remaining -= part.count
                    parts.removeFirst()
                } else {
                    parts[0] = UnsafeRawBufferPointer(rebasing: part[remaining...])
                    remaining = 0
                }
            }
        }
    }

    /// Writes every byte of `bytes` to `fd` (see the raw-buffer overload).
    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(FileError) {
        // Array's withUnsafeBytes only rethrows untyped errors; carry the typed one out by value.
        let failure: FileError? = bytes.withUnsafeBytes { raw in
            do throws(FileError) { try writeAll(fd, raw, path: path) } catch { return error }
            return nil
        }
        if let failure { throw failure }
    }

    /// Flushes `fd`'s data and metadata to stable storage.
    static func sync(_ fd: Int32, path: String) throws(FileError) {
        while fsync(fd) != 0 {
            if errno != EINTR { throw FileError(operation: "fsync", path: path, code: errno) }
        }
    }

    /// Makes renames and unlinks in `directory` durable. Some file systems cannot fsync a
    /// directory (EINVAL); the entries are still updated there, so that is not an error.
    static func syncDirectory(_ directory: String) throws(FileError) {
        let fd = try openFile(directory, flags: O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        if fsync(fd) != 0, errno != EINVAL {
            throw FileError(operation: "fsync directory", path: directory, code: errno)
        }
    }

    /// Sets the length of the file open as `fd` to `length` bytes.
    static func truncate(_ fd: Int32, length: Int, path: String) throws(FileError) {
        while ftruncate(fd, off_t(length)) != 0 {
            if errno != EINTR { throw FileError(operation: "ftruncate", path: path, code: errno) }
        }
    }

    /// Reads up to `count` bytes at byte `offset` of `fd` (fewer at the end of the file).
    static func read(_ fd: Int32, count: Int, at offset: Int, path: String) throws(FileError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = bytes.withUnsafeMutableBytes { raw in
                pread(
                    fd, UnsafeMutableRawBufferPointer(rebasing: raw[done...]).baseAddress, count - done,
                    off_t(offset + done))
            }
            if got == 0 { break }
            if got < 0 {
                if errno == EINTR { continue }
                throw FileError(operation: "read", path: path, code: errno)
            }
            done += got
        }
        return Array(bytes[0..<done])
    }

    /// Renames `source` to `destination`, replacing it atomically.
    static func moveFile(_ source: String, to destination: String) throws(FileError) {
        guard rename(source, destination) == 0 else {
            throw FileError(operation: "rename to \(destination)", path: source, code: errno)
        }
    }

    /// Removes the file at `path`; a missing file is not an error.
    static func removeFile(_ path: String) throws(FileError) {
        guard unlink(path) == 0 || errno == ENOENT else {
            throw FileError(operation: "unlink", path: path, code: errno)
        }
    }

    /// Creates `path` and its missing parents (mode 0755 minus umask), like `mkdir -p`. Each
    /// directory it creates is made durable in its parent, so that a checkpoint fsynced into a
    /// new job directory cannot vanish with the directory after a power loss.
    static func makeDirectories(_ path: String) throws(FileError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            let parent = prefix.isEmpty ? "." : prefix
            prefix += component
            if mkdir(prefix, 0o755) == 0 {
                try syncDirectory(parent)
            } else if errno != EEXIST {
                throw FileError(operation: "mkdir", path: prefix, code: errno)
            }
            prefix += "/"
        }
        var info = stat()
        guard stat(path, &info) == 0 else { throw FileError(operation: "stat", path: path, code: errno) }
        guard info.st_mode & S_IFMT == S_IFDIR else { throw FileError(operation: "mkdir", path: path, code: ENOTDIR) }
    }

    /// The names in `directory`, without `.` and `..`, in no particular order.
    static func listDirectory(_ directory: String) throws(FileError) -> [String] {
        guard let stream = opendir(directory) else {
            throw FileError(operation: "opendir", path: directory, code: errno)
        }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
