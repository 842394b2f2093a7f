// The checkpoints of one job, in a directory of their own. A checkpoint is written so that at
// every instant the directory holds complete checkpoints only: the bytes go to a spare file
// (same directory, so the rename cannot cross file systems), which is fsynced, renamed to
// `step-000012.safetensors` (atomic: readers see the old set or the new one), and then the
// directory is fsynced so the rename survives a power loss. Only then are older checkpoints and
// finished tile journals retired: the oldest of each becomes the spare that the next write
// overwrites in place (cheaper than a new file), the rest are deleted. Two checkpoints are kept so that a newest one that is torn or
// bit-rotted anyway (a lying disk, a cut-off copy) still leaves a valid one to resume from.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MosaicDiffusion
import MosaicImage

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
        let file = try CheckpointFile.encodeParts(Checkpoint(state: state, parametersHash: parametersHash, plan: plan))
        let header = file.headerBytes()
        let final = path(step: state.step)
        // The spare is the oldest checkpoint of an earlier write, renamed: overwriting its pages
        // in place costs a third of what a new file's allocation, page-cache fill and later
        // eviction do. Until the rename below it is not a checkpoint, whatever its bytes say.
        let spare = "\(directory)/\(Self.spareCheckpointName)"
        do throws(FileError) {
            try POSIXFile.makeDirectories(directory)
            let fd = try POSIXFile.openFile(spare, flags: O_WRONLY | O_CREAT)
            do throws(FileError) {
                try POSIXFile.writeAll(fd, header, path: spare)
                try fault("checkpoint.write", operation: "write", path: spare)
                try file.forEachDataChunk { (chunk) throws(FileError) in try POSIXFile.writeAll(fd, chunk, path: spare) }
                try POSIXFile.truncate(fd, length: header.count + file.dataSize, path: spare)
                try fault("checkpoint.after-write", operation: "write", path: spare)
                try fault("checkpoint.before-fsync", operation: "fsync", path: spare)
                if durable { try POSIXFile.sync(fd, path: spare) }
            } catch {
                POSIXFile.closeFile(fd)
                throw error
            }
            // close(2) can report a delayed write error (NFS, some FUSE file systems).
            guard close(fd) == 0 else { throw FileError(operation: "close", path: spare, code: errno) }
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
        return (final, header.count + file.dataSize, seconds)
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
        TileJournal.read(path: journalPath(step: step), step: step, parametersHash: parametersHash, expectedCounts: expectedCounts)
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
