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
// CRC-32 of the header's CRC + index + count + payload, then the payload as little-endian f32),
// all little-endian. Records are bound to their header, so a file recycled from another step
// (overwritten in place rather than truncated, which would free and reallocate its pages) ends
// its valid records where the new ones end. The file may be longer than its valid records.

import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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
    /// The file header's CRC, which every record's CRC covers too (see ``binding(ofHeader:)``).
    private let binding: UInt32

    /// Opens (creating it if needed) the journal of `step` at `path` for appending.
    ///
    /// An existing journal of the same step and parameters is kept up to its last valid record
    /// (new records overwrite a torn tail); any other file at `path` is overwritten from the start.
    public init(path: String, step: Int, parametersHash: String) throws(CheckpointError) {
        self.path = path
        self.step = step
        let header = Self.fileHeader(step: step, parametersHash: parametersHash)
        binding = Self.binding(ofHeader: header)
        let fd: Int32
        do {
            fd = try POSIXFile.openFile(path, flags: O_RDWR | O_CREAT)
        } catch { throw .file(error) }
        var length = 0
        do throws(FileError) {
            // Read the whole file only when its header is ours: a recycled journal of another
            // step is overwritten from the start, and its stale records fail their CRC.
            if try POSIXFile.read(fd, count: header.count, at: 0, path: path) == header {
                length = Self.scan(try BinaryFile.contents(of: path), header: header).validLength
            }
            if length == 0 {
                // Array's withUnsafeBytes only rethrows untyped errors; carry the typed one out by value.
                let failure: FileError? = header.withUnsafeBytes { raw in
                    do throws(FileError) {
                        try POSIXFile.writeAll(fd, raw, UnsafeRawBufferPointer(start: nil, count: 0), at: 0, path: path)
                    } catch { return error }
                    return nil
                }
                if let failure { throw failure }
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
    /// When the write fails (a full disk), the next record goes where this one started, so that
    /// records appended after the disk has room again are not hidden behind a torn one.
    public func append(tile: Int, values: [Float]) throws(CheckpointError) {
        try values.withUnsafeBufferPointer { buffer throws(CheckpointError) in try append(tile: tile, values: buffer) }
    }

    /// Appends tile `tile`'s output straight from the renderer's buffer (see `append(tile:values:)`).
    public func append(tile: Int, values: UnsafeBufferPointer<Float>) throws(CheckpointError) {
        guard let index = UInt32(exactly: tile), let count = UInt32(exactly: values.count) else {
            throw .invalidState(reason: "tile \(tile) with \(values.count) values does not fit a journal record")
        }
        #if _endian(big)
            let record = Self.record(tile: index, count: count, binding: binding, values: values)
            let result = record.withUnsafeBytes {
                appendLocked(header: $0, payload: UnsafeRawBufferPointer(start: nil, count: 0))
            }
        #else
            // The payload goes from the renderer's buffer to the kernel in one pwritev(2), uncopied.
            let payload = UnsafeRawBufferPointer(values)
            let header = Self.recordHeader(tile: index, count: count, binding: binding, payload: payload)
            let result = header.withUnsafeBytes { appendLocked(header: $0, payload: payload) }
        #endif
        if let result { throw .file(result) }
    }

    /// Writes one record's two parts under the lock at the end of the valid records; returns
    /// the error of a failed write (a partial record is overwritten by the next one).
    private func appendLocked(header: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer) -> FileError? {
        file.withLock { state in
            guard state.descriptor >= 0 else {
                return FileError(operation: "write (journal closed)", path: path, code: EBADF)
            }
            do throws(FileError) {
                try POSIXFile.writeAll(state.descriptor, header, payload, at: state.length, path: path)
            } catch {
                return error
            }
            state.length += header.count + payload.count
            return nil
        }
    }

    /// Closes the file; later appends fail. Records already appended stay readable.
    public func close() {
        file.withLock { state in
            if state.descriptor >= 0 { POSIXFile.closeFile(state.descriptor) }
            state.descriptor = -1
        }
    }
}
