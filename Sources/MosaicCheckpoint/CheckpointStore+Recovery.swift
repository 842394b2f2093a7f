// Finding the checkpoint to resume from, and housekeeping. Recovery never trusts a file for
// its name: each candidate, newest first, is read in full and verified (structure, both CRCs,
// shapes, its step against its name, its parameters hash against the job's). Every rejected
// file yields one line for the job log, so an operator can see why a render restarted earlier
// than its last checkpoint.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension CheckpointStore {
    /// The steps of the checkpoint files present (by name only), ascending.
    public func steps() -> [Int] {
        ((try? POSIXFile.listDirectory(directory)) ?? []).compactMap(Self.checkpointStep).sorted()
    }

    /// The newest checkpoint that is intact and belongs to `parametersHash`, trying older ones
    /// when newer ones are truncated, corrupt, unreadable or of other parameters; and one note
    /// per rejected file, e.g. `step-000012.safetensors: checksum mismatch (...); falling back
    /// to step-000011.safetensors`. Leftover temporary files are deleted first.
    ///
    /// A nil checkpoint means starting over; call ``removeAll()`` first so that no stale file
    /// survives into the new attempt.
    public func loadNewestValid(parametersHash: String) -> (checkpoint: Checkpoint?, notes: [String]) {
        let names: [String]
        do {
            names = try POSIXFile.listDirectory(directory)
        } catch {
            return (nil, error.code == ENOENT ? [] : ["\(directory): cannot list checkpoints: \(error)"])
        }
        removeTemporaryFiles(names)
        let candidates = names.compactMap(Self.checkpointStep).sorted(by: >)
        var notes: [String] = []
        for (i, step) in candidates.enumerated() {
            let name = Self.fileName(step: step)
            do throws(CheckpointError) {
                let checkpoint = try load(step: step)
                guard checkpoint.parametersHash == parametersHash else {
                    throw .parametersMismatch(
                        path: path(step: step), expected: parametersHash, actual: checkpoint.parametersHash)
                }
                return (checkpoint, notes)
            } catch {
                let next =
                    i + 1 < candidates.count
                    ? "falling back to \(Self.fileName(step: candidates[i + 1]))" : "no older checkpoint"
                notes.append("\(name): \(error.reason); \(next)")
            }
        }
        return (nil, notes)
    }

    /// Reads and verifies the checkpoint of `step`, whatever its parameters.
    public func load(step: Int) throws(CheckpointError) -> Checkpoint {
        let path = path(step: step)
        let bytes: [UInt8]
        do { bytes = try BinaryFile.contents(of: path) } catch { throw .file(error) }
        let checkpoint = try CheckpointFile.decode(bytes, path: path)
        guard checkpoint.state.step == step else {
            throw .stepMismatch(path: path, fileStep: step, metadataStep: checkpoint.state.step)
        }
        return checkpoint
    }

    /// Deletes every checkpoint, journal and temporary file of this store, then the directory
    /// itself when nothing else is in it. A missing directory is not an error.
    public func removeAll() throws(CheckpointError) {
        let names: [String]
        do {
            names = try POSIXFile.listDirectory(directory)
        } catch {
            if error.code == ENOENT { return }
            throw .file(error)
        }
        for name in names where name.hasPrefix(Self.stagePrefix) {
            if let index = Int(name.dropFirst(Self.stagePrefix.count)) { try stage(index).removeAll() }
        }
        for name in names where Self.isOwnFile(name) {
            do { try POSIXFile.removeFile("\(directory)/\(name)") } catch { throw .file(error) }
        }
        // Other files (not ours) keep the directory; that is not an error.
        if rmdir(directory) != 0, errno != ENOENT, errno != ENOTEMPTY, errno != EEXIST {
            throw .file(FileError(operation: "rmdir", path: directory, code: errno))
        }
    }

    /// After the checkpoint of `step` is durable: delete newer checkpoints (an abandoned
    /// attempt's), older ones beyond the retained count, every journal but `step`'s (earlier
    /// steps are done; later ones belong to an abandoned attempt) and leftover temporary files.
    /// Best effort: a file that cannot be deleted now is deleted by a later write.
    func prune(keepingStep step: Int) {
        guard let names = try? POSIXFile.listDirectory(directory) else { return }
        let older = names.compactMap(Self.checkpointStep).filter { $0 < step }.sorted(by: >)
        var doomed = older.dropFirst(Self.retainedCount - 1).map(Self.fileName)
        doomed += names.compactMap(Self.checkpointStep).filter { $0 > step }.map(Self.fileName)
        retire(doomed, spare: Self.spareCheckpointName, present: names)
        let journals = names.compactMap(Self.journalStep).filter { $0 != step }.map(Self.journalFileName)
        retire(journals, spare: Self.spareJournalName, present: names)
        removeTemporaryFiles(names)
    }

    /// Renames the first of `doomed` to `spare` when there is no spare yet; deletes the rest.
    private func retire(_ doomed: [String], spare: String, present names: [String]) {
        var needSpare = !names.contains(spare)
        for name in doomed {
            let path = "\(directory)/\(name)"
            if needSpare, (try? POSIXFile.moveFile(path, to: "\(directory)/\(spare)")) != nil {
                needSpare = false
            } else {
                try? POSIXFile.removeFile(path)
            }
        }
    }

    private func removeTemporaryFiles(_ names: [String]) {
        for name in names where Self.isTemporary(name) { try? POSIXFile.removeFile("\(directory)/\(name)") }
    }

    /// The step of a checkpoint file name (`step-<digits>.safetensors`), else nil.
    static func checkpointStep(_ name: String) -> Int? { step(of: name, suffix: ".safetensors") }

    /// The step of a journal file name (`step-<digits>.tiles`), else nil.
    static func journalStep(_ name: String) -> Int? { step(of: name, suffix: ".tiles") }

    /// Whether `name` is a temporary file of an unfinished checkpoint write.
    static func isTemporary(_ name: String) -> Bool { name.hasPrefix(".step-") && name.contains(".safetensors.tmp-") }

    private static func isOwnFile(_ name: String) -> Bool {
        checkpointStep(name) != nil || journalStep(name) != nil || isTemporary(name)
            || name == spareCheckpointName || name == spareJournalName
            || JournaledPhase.allCases.contains { $0.fileName == name }
    }

    private static func step(of name: String, suffix: String) -> Int? {
        guard name.hasPrefix("step-"), name.hasSuffix(suffix) else { return nil }
        let digits = name.dropFirst(5).dropLast(suffix.count)
        guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit) else { return nil }
        return Int(digits)
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
