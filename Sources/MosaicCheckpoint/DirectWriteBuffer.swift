// Checkpoints are written with direct I/O from a page-aligned buffer. A checkpoint of a large
// render is tens of MB, written after every step: a buffered write copies it into the page cache
// at a CPU cost larger than the checksum and the fsync together, while with O_DIRECT the device
// reads the buffer itself (`mosaic-bench checkpoint` measures both). The buffer is filled by the
// checksum's own pass over the tensors (`CRC32.update(copying:to:)`), so the copy costs little
// more than the checksum alone, and it is kept for the job's next write.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file's bytes in page-aligned memory, reused from one write to the next, and written with
/// direct I/O where the file system takes it (buffered otherwise, with the same result).
final class DirectWriteBuffer {
    /// Alignment of the buffer, of file offsets and of write lengths: a page, which covers the
    /// logical block size and the DMA alignment of common devices (512 bytes).
    static let alignment = 4096

    private var base: UnsafeMutableRawPointer?
    private var capacity = 0

    init() {}

    deinit { free(base) }

    /// `count` rounded up to a multiple of ``alignment``.
    static func aligned(_ count: Int) -> Int { (count + alignment - 1) / alignment * alignment }

    /// The buffer, at least `count` bytes rounded up to the alignment (earlier contents are lost
    /// when it grows). Nil only when the memory cannot be had.
    func reserve(_ count: Int) -> UnsafeMutableRawPointer? {
        let needed = Self.aligned(max(count, 1))
        if needed > capacity {
            free(base)
            base = nil
            capacity = 0
            var fresh: UnsafeMutableRawPointer?
            guard posix_memalign(&fresh, Self.alignment, needed) == 0, let fresh else { return nil }
            base = fresh
            capacity = needed
        }
        return base
    }

    /// Opens `path` for writing (creating it) with `O_DIRECT`, or without it where the file
    /// system refuses it (EINVAL: tmpfs on older kernels, some FUSE and network file systems).
    static func openFile(_ path: String) throws(FileError) -> Int32 {
        guard directFlag != 0 else { return try POSIXFile.openFile(path, flags: O_WRONLY | O_CREAT) }
        do throws(FileError) {
            return try POSIXFile.openFile(path, flags: O_WRONLY | O_CREAT | directFlag)
        } catch {
            guard error.code == EINVAL else { throw error }
            return try POSIXFile.openFile(path, flags: O_WRONLY | O_CREAT)
        }
    }

    /// Writes `range` of the buffer (offsets and length multiples of ``alignment``, except that
    /// the end may be the buffer's end) to `fd` at the same offsets. A direct write the file
    /// system refuses (EINVAL) is retried buffered on the same descriptor.
    func write(_ range: Range<Int>, to fd: Int32, path: String) throws(FileError) {
        guard let base, range.upperBound <= capacity else {
            throw FileError(operation: "write", path: path, code: EINVAL)
        }
        var offset = range.lowerBound
        while offset < range.upperBound {
            let written = pwrite(fd, base + offset, range.upperBound - offset, off_t(offset))
            if written > 0 {
                offset += written
            } else if written == 0 {
                throw FileError(operation: "write", path: path, code: ENOSPC)
            } else if errno == EINVAL, Self.clearDirect(fd) {
                continue
            } else if errno != EINTR {
                throw FileError(operation: "write", path: path, code: errno)
            }
        }
    }

    /// Turns `O_DIRECT` off on `fd`; false when it was not on (the EINVAL has another cause).
    private static func clearDirect(_ fd: Int32) -> Bool {
        let flags = fcntl(fd, F_GETFL)
        guard directFlag != 0, flags >= 0, flags & directFlag != 0 else { return false }
        return fcntl(fd, F_SETFL, flags & ~directFlag) == 0
    }

    /// `O_DIRECT`, which Glibc's Swift module does not export (glibc defines it only under
    /// `_GNU_SOURCE`): Linux's value for the architecture, or 0 (buffered writes) elsewhere.
    static let directFlag: Int32 = {
        #if os(Linux) && (arch(x86_64) || arch(i386))
            return 0o40000
        #elseif os(Linux) && (arch(arm64) || arch(arm))
            return 0o200000
        #else
            return 0
        #endif
    }()
}
