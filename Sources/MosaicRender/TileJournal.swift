// Tiles finished within a step survive a crash. A step of a 16K render evaluates hundreds of
// tiles for minutes; a checkpoint only exists between steps, so without a journal a crash late
// in a step throws that work away. Each finished tile's model output is appended as one record
// with one write(2): no fsync, because a process crash (the common case: SIGKILL, OOM, a bug)
// keeps everything already in the page cache, and a power loss merely loses or tears the tail,
// which the per-record CRC detects. Tile outputs are a pure function of the step's state, so a
// record from before the crash is exactly what re-evaluating the tile would give.
//
// File: a header (magic "MOSAICTJ", format version u32, step u64, parameters-hash length u32 and
// bytes, CRC-32 of all of these), then records (magic "TILE", tile index u32, float count u32,
// CRC-32 of index + count + payload, then the payload as little-endian f32), all little-endian.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MosaicImage
import Synchronization

/// An append-only journal of the tile outputs finished in one step (`step-000012.tiles`).
///
/// ``append(tile:values:)`` may be called from any thread. Read a journal back with
/// ``read(path:step:parametersHash:expectedCounts:)``.
public final class TileJournal: Sendable {
    /// The journal's file.
    public let path: String
    /// The step whose tiles it holds.
    public let step: Int
    /// The descriptor (-1 once closed) and the file's length; the lock also keeps each record's
    /// bytes together.
    private let file: Mutex<(descriptor: Int32, length: Int)>

    /// Opens (creating it if needed) the journal of `step` at `path` for appending.
    ///
    /// An existing journal of the same step and parameters is kept up to its last valid record
    /// (a torn tail is cut off so that new records follow valid ones); any other file at `path`
    /// is replaced.
    public init(path: String, step: Int, parametersHash: String) throws(CheckpointError) {
        self.path = path
        self.step = step
        let header = Self.fileHeader(step: step, parametersHash: parametersHash)
        let fd: Int32
        var length = 0
        do {
            fd = try POSIXFile.openFile(path, flags: O_RDWR | O_CREAT | O_APPEND)
        } catch { throw .file(error) }
        do throws(FileError) {
            let existing = (try? BinaryFile.contents(of: path)) ?? []
            let keep = Self.scan(existing, header: header).validLength
            if keep < existing.count || existing.isEmpty {
                guard ftruncate(fd, off_t(keep)) == 0 else { throw FileError(operation: "ftruncate", path: path, code: errno) }
            }
            length = keep
            if keep == 0 {
                try POSIXFile.writeAll(fd, header, path: path)
                length = header.count
            }
        } catch {
            POSIXFile.closeFile(fd)
            throw .file(error)
        }
        file = Mutex((fd, length))
    }

    deinit {
        file.withLock { state in
            if state.descriptor >= 0 { POSIXFile.closeFile(state.descriptor) }
        }
    }

    /// Appends the model output of tile `tile` (its index in the step's plan) as one record.
    ///
    /// When the write fails (a full disk), the partial record is cut off again, so that records
    /// appended after the disk has room again are not hidden behind a torn one.
    public func append(tile: Int, values: [Float]) throws(CheckpointError) {
        try values.withUnsafeBufferPointer { buffer throws(CheckpointError) in try append(tile: tile, values: buffer) }
    }

    /// Appends tile `tile`'s output straight from the renderer's buffer (see `append(tile:values:)`).
    public func append(tile: Int, values: UnsafeBufferPointer<Float>) throws(CheckpointError) {
        guard let index = UInt32(exactly: tile), let count = UInt32(exactly: values.count) else {
            throw .invalidState(reason: "tile \(tile) with \(values.count) values does not fit a journal record")
        }
        let record = Self.record(tile: index, count: count, values: values)
        let result: FileError? = file.withLock { state in
            guard state.descriptor >= 0 else { return FileError(operation: "write (journal closed)", path: path, code: EBADF) }
            do throws(FileError) {
                try POSIXFile.writeAll(state.descriptor, record, path: path)
            } catch {
                _ = ftruncate(state.descriptor, off_t(state.length))
                return error
            }
            state.length += record.count
            return nil
        }
        if let result { throw .file(result) }
    }

    /// Closes the file; later appends fail. Records already appended stay readable.
    public func close() {
        file.withLock { state in
            if state.descriptor >= 0 { POSIXFile.closeFile(state.descriptor) }
            state.descriptor = -1
        }
    }
}
