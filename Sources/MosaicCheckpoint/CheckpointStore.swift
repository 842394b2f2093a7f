// The checkpoints of one job, in a directory of their own. A checkpoint is written so that at
// every instant the directory holds complete checkpoints only: the bytes go to a spare file
// (same directory, so the rename cannot cross file systems), which is fsynced, renamed to
// `step-000012.safetensors` (atomic: readers see the old set or the new one), and then the
// directory is fsynced so the rename survives a power loss. Only then are older checkpoints and
// finished tile journals retired: the oldest of each becomes the spare that the next write
// overwrites in place (cheaper than a new file), the rest are deleted. Two checkpoints are kept so that a newest one that is torn or
// bit-rotted anyway (a lying disk, a cut-off copy) still leaves a valid one to resume from.

import MosaicDiffusion
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes, prunes and recovers the checkpoints (and tile journals) of one job.
///
/// Naming: `step-000012.safetensors` holds the state with 12 steps done (`RenderState.step ==
/// 12`, the render resumes at step 12); `step-000012.tiles` journals the tiles of step 12, the
/// work between checkpoints 12 and 13, and is deleted once checkpoint 13 is durable.
///
/// A render worker: ``loadNewestValid(parametersHash:)`` and log its notes (on nil, call
/// ``removeAll()`` and start from step 0); then for each step `s`, take the finished tiles from
/// ``readJournal(step:parametersHash:expectedCounts:)``, evaluate the others, appending each to
/// ``openJournal(step:parametersHash:)``, and after the sampler step ``write(_:parametersHash:plan:)``.
///
/// One store (one process) writes a directory at a time; reads may happen at any time, as every
/// file they can see under a final name is complete.
public final class CheckpointStore: Sendable {
    /// The job's checkpoint directory (created on first write), e.g. `STATE/checkpoints/<job>`.
    public let directory: String
    /// Whether writes are fsynced (turn off only for benchmarks and throwaway renders).
    public let durable: Bool
    /// The fault points' configuration (``FaultInjection/environment`` unless a test sets one).
    public let faults: FaultInjection
    /// How many checkpoints are kept: the newest and the one before it.
    public static let retainedCount = 2
    /// The page-aligned copy of the file being written, kept for the next write (see
    /// ``DirectWriteBuffer``): as large as one checkpoint while the store lives.
    private let buffer = Mutex(DirectWriteBuffer())

    /// A store for the checkpoints in `directory`; nothing is touched until the first call.
    public init(directory: String, durable: Bool = true, faults: FaultInjection = .environment) {
        self.directory = directory
        self.durable = durable
        self.faults = faults
    }

    /// The file name of the checkpoint of `step` (`step-000012.safetensors`).
    public static func fileName(step: Int) -> String { "step-\(padded(step)).safetensors" }
    /// The file name of the tile journal of `step` (`step-000012.tiles`).
    public static func journalFileName(step: Int) -> String { "step-\(padded(step)).tiles" }
    /// The path of the checkpoint of `step`.
    public func path(step: Int) -> String { "\(directory)/\(Self.fileName(step: step))" }
    /// The path of the tile journal of `step`.
    public func journalPath(step: Int) -> String { "\(directory)/\(Self.journalFileName(step: step))" }
    /// The retired checkpoint that the next write overwrites in place (not a checkpoint).
    static let spareCheckpointName = ".spare.safetensors"
    /// The retired tile journal that the next new journal overwrites in place.
    static let spareJournalName = ".spare.tiles"

    /// Writes `state` as the checkpoint of `state.step`, durably and atomically, then deletes
    /// checkpoints other than it and the newest older one, and every tile journal but its step's.
    ///
    /// On an error before the rename, no file under a checkpoint name changes and the temporary
    /// file is removed. An error from the final directory fsync leaves the new checkpoint in
    /// place: its bytes were already fsynced and are verified by their checksum on load.
    /// - Returns: the checkpoint's path, its size in bytes and the seconds the write took.
    @discardableResult
    public func write(
        _ state: RenderState, parametersHash: String, plan: TilePlan
    ) throws(CheckpointError) -> (path: String, bytes: Int, seconds: Double) {
        let clock = ContinuousClock()
        let start = clock.now
        let file = try CheckpointFile.unsealedParts(
            Checkpoint(state: state, parametersHash: parametersHash, plan: plan))
        let final = path(step: state.step)
        // The spare is the oldest checkpoint of an earlier write, renamed: overwriting its blocks
        // in place costs less than a new file's allocation. Until the rename below it is not a
        // checkpoint, whatever its bytes say.
        let spare = "\(directory)/\(Self.spareCheckpointName)"
        var size = 0
        do throws(FileError) {
            try buffer.withLock { (buffer) throws(FileError) in
                let (headerSize, fileSize) = try Self.stage(file, in: buffer, path: spare)
                size = fileSize
                try POSIXFile.makeDirectories(directory)
                let fd = try DirectWriteBuffer.openFile(spare)
                do throws(FileError) {
                    try buffer.write(0..<headerSize, to: fd, path: spare)
                    try fault("checkpoint.write", operation: "write", path: spare)
                    try buffer.write(headerSize..<DirectWriteBuffer.aligned(size), to: fd, path: spare)
                    // Drops the padding of the last block and whatever a longer spare held beyond.
                    try POSIXFile.truncate(fd, length: size, path: spare)
                    try fault("checkpoint.after-write", operation: "write", path: spare)
                    try fault("checkpoint.before-fsync", operation: "fsync", path: spare)
                    // Direct I/O bypasses the page cache but not the device's cache or the file's
                    // metadata (its size): the fsync is still what makes the file durable.
                    if durable { try POSIXFile.sync(fd, path: spare) }
                } catch {
                    POSIXFile.closeFile(fd)
                    throw error
                }
                // close(2) can report a delayed write error (NFS, some FUSE file systems).
                guard close(fd) == 0 else { throw FileError(operation: "close", path: spare, code: errno) }
            }
            try fault("checkpoint.before-rename", operation: "rename", path: spare)
            try POSIXFile.moveFile(spare, to: final)
        } catch {
            // A failed write leaves no half-written file behind (and frees its space on a full disk).
            try? POSIXFile.removeFile(spare)
            throw .file(error)
        }
        do throws(FileError) {
            try fault("checkpoint.before-dir-fsync", operation: "fsync directory", path: directory)
            if durable { try POSIXFile.syncDirectory(directory) }
        } catch {
            throw .file(error)
        }
        prune(keepingStep: state.step)
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return (final, size, seconds)
    }

    /// Lays `file` out in `buffer` as it goes to disk: the data after a header padded to a page,
    /// checksummed while it is copied, then the sealed header in front and zeros up to the next
    /// page. Returns the header's and the file's sizes.
    private static func stage(
        _ file: SafeTensorsWriter, in buffer: DirectWriteBuffer, path: String
    ) throws(FileError) -> (headerSize: Int, size: Int) {
        var file = file
        // Sealing does not change the header's length, so the data can go in before its checksum is known.
        CheckpointFile.seal(&file, dataChecksum: 0)
        let headerSize = file.headerBytes(alignment: DirectWriteBuffer.alignment).count
        let size = headerSize + file.dataSize
        guard let bytes = buffer.reserve(size) else {
            throw FileError(operation: "allocate \(size) bytes for", path: path, code: ENOMEM)
        }
        var crc = CRC32()
        var offset = headerSize
        file.forEachDataChunk { chunk in
            crc.update(copying: chunk, to: bytes + offset)
            offset += chunk.count
        }
        CheckpointFile.seal(&file, dataChecksum: crc.value)
        let header = file.headerBytes(alignment: DirectWriteBuffer.alignment)
        precondition(header.count == headerSize, "sealing changed the checkpoint header's length")
        header.withUnsafeBytes { UnsafeMutableRawBufferPointer(start: bytes, count: headerSize).copyMemory(from: $0) }
        (bytes + size).initializeMemory(as: UInt8.self, repeating: 0, count: DirectWriteBuffer.aligned(size) - size)
        return (headerSize, size)
    }

    /// Opens (creating it if needed) the tile journal of `step` for appending (see ``TileJournal``).
    ///
    /// A new journal takes over the spare (a retired journal), whose stale records fail their
    /// CRC under the new header.
    public func openJournal(step: Int, parametersHash: String) throws(CheckpointError) -> TileJournal {
        do { try POSIXFile.makeDirectories(directory) } catch { throw .file(error) }
        let path = journalPath(step: step)
        if access(path, F_OK) != 0 { try? POSIXFile.moveFile("\(directory)/\(Self.spareJournalName)", to: path) }
        return try TileJournal(path: path, step: step, parametersHash: parametersHash)
    }

    /// The valid records of the tile journal of `step` (see ``TileJournal/read(path:step:parametersHash:expectedCounts:)``).
    public func readJournal(step: Int, parametersHash: String, expectedCounts: [Int: Int]) -> [Int: [Float]] {
        TileJournal.read(
            path: journalPath(step: step), step: step, parametersHash: parametersHash, expectedCounts: expectedCounts)
    }

    /// Runs fault point `name`, turning an injected errno into the error of `operation`.
    private func fault(_ name: String, operation: String, path: String) throws(FileError) {
        do { try faults.point(name) } catch { throw FileError(operation: operation, path: path, code: error.code) }
    }

    private static func padded(_ step: Int) -> String {
        let digits = String(step)
        return String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }
}
